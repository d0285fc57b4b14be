#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "actors/catalog/messages.hpp"

namespace streamify::catalog {

// Transcode jobs waiting for one of `slots` workers: uploads before
// backfills (ready videos that lack a ladder), each kind in upload order. A
// video is waiting or running at most once.
class transcode_queue {
public:
  explicit transcode_queue(size_t slots = 1);

  // False when the video is already waiting or running.
  bool push(transcode_job job);
  // The job to start now: none while every slot is taken or nothing waits.
  std::optional<transcode_job> next();
  // A started job ended (or was given up); its slot is free again.
  void finish(const std::string& video_id);
  // Forgets a waiting job (its video was deleted); running ones run out.
  void drop(const std::string& video_id);

  bool is_running(const std::string& video_id) const;
  size_t running() const { return running_.size(); }
  size_t waiting() const { return waiting_.size(); }

private:
  using key = std::tuple<bool, int64_t, std::string>; // backfill, time, id

  static key key_of(const transcode_job& job);

  size_t slots_;
  std::map<key, transcode_job> waiting_;
  std::map<std::string, key> waiting_ids_;
  std::set<std::string> running_;
};

} // namespace streamify::catalog
