#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>

#include "actors/streaming/session_actor.hpp"

namespace streamify::streaming {

struct streaming_settings {
  session_settings session;
  // Longer than the session's own wallet timeout, so its answer wins.
  caf::timespan session_timeout = std::chrono::seconds(8);
  size_t ended_cache_limit = 10'000;
  size_t idempotency_limit = 100'000;
};

struct streaming_state {
  struct live_session {
    session_actor handle;
    std::string viewer_id;
    std::string video_id;
  };
  // An Idempotency-Key of `POST /api/sessions`: its first outcome, once known.
  struct keyed_start {
    std::string video_id;
    bool done = false;
    session_view view;
    caf::error error;
  };

  streaming_settings settings;
  caf::actor billing;
  caf::actor catalog;
  std::vector<session_store_actor> stores;
  std::shared_ptr<const clock> clk;
  size_t next_store = 0;
  std::unordered_map<std::string, live_session> sessions;   // by session id
  std::unordered_map<std::string, std::string> live;        // viewer|video → id
  std::map<caf::actor_addr, std::string> by_address;
  std::unordered_map<std::string, session_view> recently_ended;
  std::unordered_map<std::string, keyed_start> keyed_starts; // viewer|key
  std::vector<entitlement_listener> listeners; // the gateways' caches
  int64_t started_total = 0;
  actor_stats::handle stats;
  static inline const char* name = "streaming";
};

// The streaming role: creates or returns the live session of a viewer and
// video, routes heartbeats, `end` and reads to the session actors, answers
// for ended sessions from a small cache or the store, serves history and ends
// the sessions of deleted videos. `live_rows` are the sessions stored as not
// ended: each is resumed and ends by itself when its idle time has passed.
streaming_actor::behavior_type
streaming_role(streaming_actor::stateful_pointer<streaming_state> self,
               streaming_settings settings, caf::actor billing,
               caf::actor catalog, std::vector<session_store_actor> stores,
               std::vector<persistence::session_row> live_rows,
               std::shared_ptr<const clock> clk);

} // namespace streamify::streaming
