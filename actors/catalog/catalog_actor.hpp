#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/common/clock.hpp"

namespace streamify::catalog {

struct catalog_settings {
  std::vector<std::string> categories{"general", "music",  "education",
                                      "gaming",  "sports", "news",
                                      "comedy",  "film",   "tech"};
  size_t queue_limit = 256; // database requests in flight before 503
  caf::timespan worker_timeout = std::chrono::seconds(10);
  caf::timespan media_timeout = std::chrono::minutes(30);
};

struct catalog_state {
  catalog_settings settings;
  std::shared_ptr<const clock> clk;
  std::vector<catalog_worker_actor> workers;
  std::vector<media_worker_actor> media;
  size_t next_worker = 0;
  size_t next_media = 0;
  size_t in_flight = 0;
  int64_t processing = 0;
  int64_t processed_total = 0;
  int64_t failed_total = 0;
  int64_t rejected_overloaded = 0;
  std::vector<caf::actor> listeners;
  actor_stats::handle stats;
  static inline const char* name = "catalog";
};

// The catalog role: validates, routes blocking work to database workers
// (bounded: full → 503), hands new uploads to media workers and records what
// they found, hides unready videos from everyone but their owner and tells
// listeners about deleted videos.
catalog_actor::behavior_type
catalog_role(catalog_actor::stateful_pointer<catalog_state> self,
             std::vector<catalog_worker_actor> workers,
             std::vector<media_worker_actor> media, catalog_settings settings,
             std::shared_ptr<const clock> clk);

} // namespace streamify::catalog
