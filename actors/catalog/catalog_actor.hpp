#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/catalog/transcode_queue.hpp"
#include "actors/common/clock.hpp"

namespace streamify::catalog {

struct catalog_settings {
  std::vector<std::string> categories{"general", "music",  "education",
                                      "gaming",  "sports", "news",
                                      "comedy",  "film",   "tech"};
  size_t queue_limit = 256; // database requests in flight before 503
  caf::timespan worker_timeout = std::chrono::seconds(10);
  // Probing one video; a transcode may take this plus ten times the
  // video's duration (transcode_time_limit_s).
  caf::timespan media_timeout = std::chrono::minutes(30);
};

struct catalog_state {
  catalog_settings settings;
  std::shared_ptr<const clock> clk;
  std::vector<catalog_worker_actor> workers;
  std::vector<media_worker_actor> media;
  std::vector<transcode_worker_actor> idle_transcoders;
  transcode_queue transcodes;
  std::map<std::string, media_facts> probed; // uploads waiting or transcoding
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
// (bounded: full → 503), hands new uploads to media workers to probe and
// then, in upload order, to the transcode workers for their HLS ladder
// (one job per transcode worker at a time), records what they found, hides
// unready videos from everyone but their owner and tells listeners about
// deleted videos. At start it takes up again videos left processing and
// gives ready videos without a ladder one.
catalog_actor::behavior_type
catalog_role(catalog_actor::stateful_pointer<catalog_state> self,
             std::vector<catalog_worker_actor> workers,
             std::vector<media_worker_actor> media,
             std::vector<transcode_worker_actor> transcoders,
             catalog_settings settings, std::shared_ptr<const clock> clk);

} // namespace streamify::catalog
