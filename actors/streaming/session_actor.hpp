#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/common/clock.hpp"
#include "actors/streaming/billing_rules.hpp"
#include "actors/streaming/messages.hpp"
#include "actors/streaming/paid_window.hpp"

namespace streamify::streaming {

struct session_settings {
  billing_params billing;
  window_params window; // its minute_ms is billing.minute_ms
  int64_t fee_bps = 2000;
  int64_t save_interval_ms = 5'000; // between writes that cross no minute
  caf::timespan billing_timeout = std::chrono::seconds(5);
  caf::timespan catalog_timeout = std::chrono::seconds(5);
  caf::timespan store_timeout = std::chrono::seconds(5);
};

// What a session talks to. `billing` and `catalog` follow the contracts in
// actors/billing/messages.hpp and actors/catalog/messages.hpp.
struct session_peers {
  caf::actor billing;
  caf::actor catalog;
  session_store_actor store;
  streaming_actor role;
  std::shared_ptr<const clock> clk;
};

struct session_actor_state {
  persistence::session_row row; // what is persisted, refreshed on each save
  billing_state bill;
  paid_window window; // what the session may receive
  session_settings settings;
  session_peers peers;
  bool confirmed = false; // minute 0 paid (or nothing to pay) and persisted
  bool charging = false;  // a wallet request is in flight
  std::deque<std::function<void()>> deferred; // arrived while charging
  int64_t last_saved_ms = 0;
  std::string published_state; // as last reported to the role
  int64_t published_minutes = 0;
  actor_stats::handle stats; // state, minutes_paid, last_heartbeat_ms labels
  static inline const char* name = "session";
};

// One viewing session: charges minute 0 on `start` (a `start` on a confirmed
// session only answers it), applies the billing rules to each heartbeat,
// charges each minute once in order, persists at minute boundaries, at the
// end and every few seconds, and ends on `end`, on idle timeout or when its
// video is deleted. It grants the spans of the video a gateway may deliver
// under the paid-window rule, persisting each grant before answering it. A
// session spawned from a stored row is resumed (its window too). Each
// change of its state or paid minutes is reported to the role, which passes
// it on to the gateways' entitlement caches.
session_actor::behavior_type
session(session_actor::stateful_pointer<session_actor_state> self,
        persistence::session_row row, bool resumed, session_settings settings,
        session_peers peers);

session_view to_view(const persistence::session_row& row,
                     const session_settings& settings);

} // namespace streamify::streaming
