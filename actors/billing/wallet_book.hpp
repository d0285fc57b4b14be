#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "persistence/billing/ledger_store.hpp"

namespace streamify::billing {

// What one wallet knows between messages, free of actors: the keys it has
// written or is writing (idempotency memory), the writes waiting for their
// turn, how many are at the ledger writer and the owner epoch it holds.
class wallet_book {
public:
  using done_fn = std::function<void(const persistence::movement_outcome&)>;

  // A write waiting for its turn: `run` sends it (retried: the second attempt
  // after the account was claimed back), `fail` answers it without sending.
  struct job {
    std::function<void(bool retried)> run;
    std::function<void(uint8_t status)> fail;
  };

  struct limits {
    size_t max_in_flight = 64;
    size_t queue_limit = 4096;
    size_t remembered_keys = 256;
    bool reclaim_when_moved = true;
  };

  explicit wallet_book(limits l) : limits_(l) {}
  wallet_book() = default;

  // -- idempotency memory ----------------------------------------------------

  // Answers a repeated or conflicting key from memory, or joins `done` to the
  // write of the same key in flight. False: the request must be written.
  bool answer_from_memory(const std::string& key,
                          const std::string& fingerprint, done_fn& done);

  // The first asker of a key about to be written.
  void open(const std::string& key, std::string fingerprint, done_fn done);

  // Answers everyone waiting for `key`: the first asker gets the outcome, the
  // repeats get it as a replay. A success is remembered.
  void finish(const std::string& key, const persistence::movement_outcome& o);

  // -- the queue ---------------------------------------------------------------

  // No room for another waiting write: the caller answers `wallet_busy`.
  bool full() const { return waiting_.size() >= limits_.queue_limit; }
  void push(job j) { waiting_.push_back(std::move(j)); }
  // A write that goes again before everything waiting.
  void push_first(job j) { waiting_.push_front(std::move(j)); }

  // The next write that may go now: the account claimed and fewer than the
  // limit at the writer. It counts as in flight from here.
  std::optional<job> next();
  void landed() { --in_flight_; }
  size_t in_flight() const { return in_flight_; }

  // Nothing in flight, waiting, claiming or open.
  bool idle() const {
    return in_flight_ == 0 && waiting_.empty() && !claiming_ && keys_.empty();
  }

  // -- owner epochs ------------------------------------------------------------

  int64_t epoch() const { return epoch_; }
  bool claimed() const { return epoch_ >= 0; }
  // Writes wait and nobody claims the account yet.
  bool should_claim() const {
    return !claimed() && !claiming_ && !waiting_.empty();
  }
  void claim_started() { claiming_ = true; }
  void claim_succeeded(int64_t epoch) {
    claiming_ = false;
    epoch_ = epoch;
  }
  // Every waiting write is answered `status_failed`.
  void claim_failed();

  // A write with `epoch` found another owner. With one billing node the
  // account is claimed back and the write goes once more (true). Otherwise
  // what waits is refused `stale_owner` and a later request claims again
  // (false); `lost` tells whether this epoch was the one held.
  bool moved_away(int64_t epoch, bool retried, bool& lost);

private:
  struct open_key {
    std::string fingerprint;
    std::vector<done_fn> waiters; // the first asked; the rest are repeats
  };
  struct remembered {
    std::string fingerprint;
    persistence::movement_outcome outcome;
  };

  void remember(const std::string& key, std::string fingerprint,
                persistence::movement_outcome o);
  void fail_waiting(uint8_t status);

  limits limits_;
  int64_t epoch_ = -1; // the owner epoch claimed; -1: none
  bool claiming_ = false;
  std::deque<job> waiting_;
  size_t in_flight_ = 0;
  std::unordered_map<std::string, open_key> keys_;
  std::unordered_map<std::string, remembered> recent_;
  std::deque<std::string> recent_order_;
};

} // namespace streamify::billing
