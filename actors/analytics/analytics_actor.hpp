#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/analytics/messages.hpp"

namespace streamify::analytics {

struct analytics_settings {
  caf::timespan poll_interval = std::chrono::seconds(1);
  int64_t outbox_page = 500;
  size_t position_buffer = 10'000; // samples beyond it are dropped
  size_t batch_max = 2'000;        // activity events per transaction
  caf::timespan request_timeout = std::chrono::seconds(5);
};

struct analytics_state {
  analytics_settings settings;
  caf::actor billing; // invalid: no money to read
  analytics_worker_actor writer;
  analytics_worker_actor reader;
  std::string cursor;
  bool cursor_loaded = false;
  bool busy = false; // a read-outbox-and-apply cycle is in flight
  std::deque<activity_event> activity;  // never dropped
  std::deque<activity_event> positions; // bounded by position_buffer
  int64_t positions_dropped = 0;
  int64_t batches_applied = 0;
  int64_t batch_failures = 0;
  int64_t outbox_rows_applied = 0;
  int64_t events_applied = 0;
  actor_stats::handle stats;
  static inline const char* name = "analytics";
};

// The analytics role. Every poll interval (at once while the outbox has
// more) it reads the billing outbox after its cursor and applies those rows,
// the buffered activity and the position samples in one transaction that
// also stores the new cursor. A failed cycle keeps everything for the next
// one; ids make a repeated row or event count once. Queries go to `reader`.
analytics_actor::behavior_type
analytics_role(analytics_actor::stateful_pointer<analytics_state> self,
               analytics_settings settings, caf::actor billing,
               analytics_worker_actor writer, analytics_worker_actor reader);

} // namespace streamify::analytics
