#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::billing {

struct writer_settings {
  // Most movements one commit carries.
  size_t batch_max = 1024;
  // How long a batch waits for company. 0: commit as soon as the mailbox
  // holds nothing older than the first movement (natural batching: whatever
  // arrives during a commit rides the next one, so batches grow with load
  // while a lone charge waits for nobody).
  caf::timespan batch_window{0};
};

struct ledger_writer_state {
  using promise = caf::typed_response_promise<persistence::movement_outcome>;
  using claim_promise = caf::typed_response_promise<persistence::wallet_claim>;

  std::shared_ptr<persistence::ledger_store> store;
  writer_settings settings;
  std::vector<persistence::movement> batch;
  std::vector<promise> promises;
  std::vector<std::string> claims; // wallets waking up, claimed together
  std::vector<claim_promise> claim_promises;
  bool flush_scheduled = false;
  // Metrics.
  int64_t batches = 0;
  int64_t batch_items = 0;
  int64_t batch_max_seen = 0;
  int64_t commit_us_total = 0;
  int64_t commit_us_max = 0;
  int64_t applied = 0;
  int64_t replayed = 0;
  int64_t insufficient = 0;
  int64_t conflicts = 0;
  int64_t stale = 0;
  int64_t failed = 0;
  int64_t claims_total = 0;
  int64_t refunds = 0;
  static inline const char* name = "ledger_writer";
};

// The group-commit writer of the billing role: gathers the movements of many
// wallets and commits them in one transaction, then answers each wallet.
// Nodes spawn it detached (it blocks on its connection).
ledger_writer_actor::behavior_type
ledger_writer(ledger_writer_actor::stateful_pointer<ledger_writer_state> self,
              std::shared_ptr<persistence::ledger_store> store,
              writer_settings settings);

struct ledger_reader_state {
  std::shared_ptr<persistence::ledger_store> store;
  static inline const char* name = "ledger_reader";
};

// Answers the queries of the billing role on its own connection (detached).
ledger_reader_actor::behavior_type
ledger_reader(ledger_reader_actor::stateful_pointer<ledger_reader_state> self,
              std::shared_ptr<persistence::ledger_store> store);

} // namespace streamify::billing
