#pragma once

#include <memory>

#include "actors/common/actor_stats.hpp"
#include "actors/streaming/messages.hpp"
#include "persistence/streaming/session_store.hpp"

namespace streamify::streaming {

struct session_store_worker_state {
  std::shared_ptr<persistence::session_store> store;
  actor_stats::handle stats;
  static inline const char* name = "session_store_worker";
};

// Blocking reads and writes of sessions; nodes spawn it detached, one
// connection each. Store outages answer errc::unavailable.
session_store_actor::behavior_type session_store_worker(
  session_store_actor::stateful_pointer<session_store_worker_state> self,
  std::shared_ptr<persistence::session_store> store);

} // namespace streamify::streaming
