#pragma once

#include <memory>

#include "actors/common/actor_stats.hpp"
#include "actors/analytics/messages.hpp"

namespace streamify::analytics {

struct analytics_worker_state {
  std::shared_ptr<persistence::analytics_store> store;
  actor_stats::handle stats;
  static inline const char* name = "analytics_worker";
};

// Runs store calls one at a time; spawn detached in nodes.
analytics_worker_actor::behavior_type analytics_worker(
  analytics_worker_actor::stateful_pointer<analytics_worker_state> self,
  std::shared_ptr<persistence::analytics_store> store);

} // namespace streamify::analytics
