#pragma once

#include <memory>

#include "actors/common/actor_stats.hpp"
#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/messages.hpp"
#include "persistence/catalog/video_store.hpp"

namespace streamify::catalog {

struct catalog_worker_state {
  std::shared_ptr<persistence::video_store> store;
  storage_paths paths;
  actor_stats::handle stats;
  static inline const char* name = "catalog_worker";
};

// Blocking work of the catalog role (the database, removing files); nodes
// spawn it detached, one connection each. Requests arrive validated by the
// catalog actor; ownership is checked here against the stored row.
catalog_worker_actor::behavior_type
catalog_worker(catalog_worker_actor::stateful_pointer<catalog_worker_state> self,
               std::shared_ptr<persistence::video_store> store,
               storage_paths paths);

video_info to_video_info(const persistence::video_row& row);

} // namespace streamify::catalog
