#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "actors/streaming/paid_window.hpp"

namespace streamify::gateway {

// What the stream endpoint needs to know of one session.
struct entitlement {
  std::string viewer_id;
  std::string state; // active, payment_required, ended
  int64_t minutes_paid = 0;
  std::string file_path;
  std::string mime_type;
  std::string video_id;
  int64_t duration_ms = 0;
};

// The gateway's view of live sessions, shared by the HTTP threads and the
// entitlement receiver: entries come from a fetch on a miss, states from the
// streaming role's pushes and from the role's answers to heartbeats and ends.
// An entry expires `ttl` after its fetch whatever was pushed meanwhile, so a
// lost push is corrected by the next fetch. Beside it the spans of the video
// the session granted through this gateway: they never shrink, so they stay
// across fetches, and a segment inside them is served without asking.
class entitlement_cache {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit entitlement_cache(std::chrono::milliseconds ttl,
                             size_t max_sessions = 10'000)
    : ttl_(ttl), max_sessions_(max_sessions) {
  }

  // The entry of a fetch less than `ttl` before `now`, with any later state.
  std::optional<entitlement> find(const std::string& session_id,
                                  time_point now);

  // What a fetch that started at `started` found. A state observed after
  // that start is newer than the fetch's and is kept.
  void store(const std::string& session_id, entitlement e, time_point started);

  // A session's state as of `now`.
  void observe(const std::string& session_id, const std::string& viewer_id,
               const std::string& state, int64_t minutes_paid, time_point now);

  // The granted span containing `at_ms` (empty when there is none).
  streaming::time_span granted_around(const std::string& session_id,
                                      int64_t at_ms);
  void grant(const std::string& session_id, const streaming::time_span& span,
             time_point now);

private:
  struct entry {
    entitlement e;
    time_point fetched;
    time_point observed;
    bool complete = false; // the file is known (a fetch stored it)
    streaming::span_set granted;
  };

  entry& slot(const std::string& session_id, time_point now);

  std::chrono::milliseconds ttl_;
  size_t max_sessions_;
  std::mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace streamify::gateway
