#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "actors/common/gauges.hpp"
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

// What a ledger writer counts, reported to /metrics by the role (the sum of
// its writers, the largest for the maxima): declared once in writer_gauges.
struct writer_counters {
  int64_t queue_depth = 0;
  int64_t batches = 0, batch_items = 0, batch_max_seen = 0;
  int64_t commit_us_total = 0, commit_us_max = 0;
  // Movements by outcome.
  int64_t applied = 0, replayed = 0, insufficient = 0, conflicts = 0;
  int64_t stale = 0, failed = 0;
  int64_t claims_total = 0, refunds = 0;
};

inline constexpr gauge<writer_counters> writer_gauges[] = {
  {"ledger_queue_depth", &writer_counters::queue_depth},
  {"ledger_batches_total", &writer_counters::batches},
  {"ledger_batch_items_total", &writer_counters::batch_items},
  {"ledger_batch_size_max", &writer_counters::batch_max_seen,
   gauge_merge::max},
  {"ledger_commit_us_total", &writer_counters::commit_us_total},
  {"ledger_commit_us_max", &writer_counters::commit_us_max, gauge_merge::max},
  {"movements_applied_total", &writer_counters::applied},
  {"movements_replayed_total", &writer_counters::replayed},
  {"movements_insufficient_total", &writer_counters::insufficient},
  {"movements_conflict_total", &writer_counters::conflicts},
  {"movements_stale_owner_total", &writer_counters::stale},
  {"movements_failed_total", &writer_counters::failed},
  {"wallet_claims_total", &writer_counters::claims_total},
  {"refund_requests_total", &writer_counters::refunds},
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
  writer_counters counters;
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
