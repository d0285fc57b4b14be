#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/analytics/messages.hpp"

namespace streamify::analytics {

struct activity_relay_settings {
  size_t position_buffer = 10'000; // beyond it the oldest samples are dropped
  size_t event_buffer = 1'000'000; // beyond it events are dropped, loudly
  size_t batch_max = 2'000;        // events per request (one transaction)
  caf::timespan linger = std::chrono::milliseconds(100);
  caf::timespan request_timeout = std::chrono::seconds(10);
  caf::timespan backoff_min = std::chrono::milliseconds(100);
  caf::timespan backoff_max = std::chrono::seconds(2);
};

struct activity_relay_state {
  activity_relay_settings settings;
  caf::actor analytics; // the role, or its locator on another node
  relayed_activity pending; // sent, not yet acknowledged; the drop totals
  std::deque<activity_event> events;    // not yet sent, never dropped
  std::deque<activity_event> positions; // not yet sent, bounded
  bool flush_due = false; // a flush (linger or backoff) is scheduled
  bool sending = false;   // `pending` awaits its answer
  caf::timespan backoff{};
  int64_t failures = 0; // in a row
  static inline const char* name = "activity_relay";
};

// At-least-once delivery of one node's activity to the analytics role.
// Events wait here until analytics acknowledges the batch that holds them,
// which it does once they are committed; a batch that fails or times out is
// sent again, as it was, after a growing pause. Ids make a resent event count
// once. Only position samples are dropped under pressure (the oldest first);
// the drop totals travel with every batch into analytics' metrics.
activity_relay_actor::behavior_type
activity_relay(activity_relay_actor::stateful_pointer<activity_relay_state> self,
               activity_relay_settings settings, caf::actor analytics,
               std::string relay_id);

} // namespace streamify::analytics
