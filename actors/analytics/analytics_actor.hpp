#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/analytics/messages.hpp"

namespace streamify::analytics {

struct analytics_settings {
  caf::timespan poll_interval = std::chrono::seconds(1);
  int64_t outbox_page = 500;
  caf::timespan request_timeout = std::chrono::seconds(5);
};

struct relay_drops {
  int64_t positions = 0;
  int64_t events = 0;
};

struct analytics_state {
  analytics_settings settings;
  caf::actor billing; // invalid: no money to read
  analytics_worker_actor writer;
  analytics_worker_actor reader;
  std::string cursor;
  bool cursor_loaded = false;
  bool busy = false; // a read-outbox-and-apply cycle is in flight
  // The latest totals each node's activity relay reported, by relay id.
  std::map<std::string, relay_drops> drops;
  int64_t batches_applied = 0;
  int64_t batch_failures = 0;
  int64_t outbox_rows_applied = 0;
  int64_t events_applied = 0;
  actor_stats::handle stats;
  static inline const char* name = "analytics";
};

// The analytics role. Every poll interval (at once while the outbox has
// more) it reads the billing outbox after its cursor and applies those rows
// in one transaction that also stores the new cursor; a failed cycle reads
// them again. Activity arrives in batches from the nodes' activity relays;
// each is applied in a transaction of its own and acknowledged once
// committed (the relay resends it otherwise). Ids make a repeated row or
// event count once. Queries go to `reader`.
analytics_actor::behavior_type
analytics_role(analytics_actor::stateful_pointer<analytics_state> self,
               analytics_settings settings, caf::actor billing,
               analytics_worker_actor writer, analytics_worker_actor reader);

} // namespace streamify::analytics
