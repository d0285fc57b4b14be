#include "actors/catalog/transcode_queue.hpp"

#include <algorithm>

namespace streamify::catalog {

transcode_queue::transcode_queue(size_t slots)
  : slots_(std::max<size_t>(1, slots)) {
}

transcode_queue::key transcode_queue::key_of(const transcode_job& job) {
  return {job.backfill, job.created_at_ms, job.video_id};
}

bool transcode_queue::push(transcode_job job) {
  if (waiting_ids_.count(job.video_id) > 0 || running_.count(job.video_id) > 0)
    return false;
  auto k = key_of(job);
  waiting_ids_.emplace(job.video_id, k);
  waiting_.emplace(std::move(k), std::move(job));
  return true;
}

std::optional<transcode_job> transcode_queue::next() {
  if (running_.size() >= slots_ || waiting_.empty())
    return std::nullopt;
  auto first = waiting_.begin();
  auto job = std::move(first->second);
  waiting_.erase(first);
  waiting_ids_.erase(job.video_id);
  running_.insert(job.video_id);
  return job;
}

void transcode_queue::finish(const std::string& video_id) {
  running_.erase(video_id);
}

void transcode_queue::drop(const std::string& video_id) {
  auto i = waiting_ids_.find(video_id);
  if (i == waiting_ids_.end())
    return;
  waiting_.erase(i->second);
  waiting_ids_.erase(i);
}

bool transcode_queue::is_running(const std::string& video_id) const {
  return running_.count(video_id) > 0;
}

} // namespace streamify::catalog
