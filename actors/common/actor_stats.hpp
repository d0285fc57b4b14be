#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace streamify {

// What one actor last recorded about itself, as the inspector reads it.
struct actor_sample {
  std::string kind; // session, wallet, streaming, billing, ...
  std::string id;   // the session or user id; the role name for a role
  int64_t mailbox = 0;  // messages waiting when it last sampled
  int64_t handled = 0;  // messages handled so far
  int64_t age_ms = 0;   // since that sample
  std::map<std::string, std::string> labels; // kind-specific facts
};

// The per-node table of actors that record their own statistics. Actors
// sample themselves from their own handlers (the inspector never reads a
// mailbox from outside, and asking a backlogged actor would wait behind its
// backlog). Recording touches only the entry's atomics; the table's mutex is
// taken when an entry joins or leaves and when the inspector reads.
class actor_stats {
  struct entry {
    std::string kind;
    std::string id;
    std::atomic<int64_t> mailbox{0};
    std::atomic<int64_t> handled{0};
    std::atomic<int64_t> sampled_at_ns{0};
    std::mutex labels_mutex;
    std::map<std::string, std::string> labels;
  };

public:
  // One actor's place in the table: kept in the actor's state, so the entry
  // leaves when the actor terminates and its state is destroyed.
  class handle {
  public:
    handle() = default;
    handle(handle&& other) noexcept = default;
    handle& operator=(handle&& other) noexcept;
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    ~handle();

    // One message handled, with the mailbox size seen from inside.
    void record(size_t mailbox_size);
    // Sets a kind-specific fact, e.g. a session's state.
    void label(const std::string& key, const std::string& value);
    explicit operator bool() const { return entry_ != nullptr; }

  private:
    friend class actor_stats;
    handle(actor_stats* table, uint64_t key, std::shared_ptr<entry> e)
      : table_(table), key_(key), entry_(std::move(e)) {}
    actor_stats* table_ = nullptr;
    uint64_t key_ = 0;
    std::shared_ptr<entry> entry_;
  };

  handle enroll(std::string kind, std::string id);
  std::vector<actor_sample> samples() const;
  // Whether an actor of this kind and id is live.
  bool contains(const std::string& kind, const std::string& id) const;
  size_t size() const;

  // The table of this process (one node per process).
  static actor_stats& node();

private:
  void remove(uint64_t key);
  static int64_t now_ns();

  mutable std::mutex mutex_;
  uint64_t next_key_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<entry>> entries_;
};

// Records one handled message of `self` (any scheduled actor) from inside
// its handler.
template <class Self>
void record_message(actor_stats::handle& stats, Self* self) {
  // Not mailbox().size(): that fetches from the inbox into the queue the
  // actor is iterating right now (undefined behaviour inside a handler).
  // What the queue holds is what the actor took in and has not handled yet.
  stats.record(self->mailbox().queue().total_task_size());
}

} // namespace streamify
