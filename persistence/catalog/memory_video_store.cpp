#include "persistence/catalog/memory_video_store.hpp"

#include <algorithm>
#include <cctype>

#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int64_t key_of(const video_row& r, const std::string& sort) {
  if (sort == "popular")
    return r.views;
  if (sort == "price_asc" || sort == "price_desc")
    return r.price_per_minute_cents;
  return r.created_at_ms;
}

} // namespace

void memory_video_store::check() {
  if (!available_)
    throw unavailable("memory store switched off");
}

void memory_video_store::insert(const video_row& row) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  rows_[row.id] = row;
}

std::optional<video_row> memory_video_store::find(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end() || i->second.status == "deleted")
    return std::nullopt;
  return i->second;
}

std::vector<video_row> memory_video_store::list(const video_filter& f) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  bool ascending = f.sort == "price_asc";
  auto precedes = [&](int64_t av, const std::string& aid, int64_t bv,
                      const std::string& bid) {
    if (av != bv)
      return ascending ? av < bv : av > bv;
    return ascending ? aid < bid : aid > bid;
  };
  std::vector<video_row> out;
  for (const auto& [id, r] : rows_) {
    if (r.status == "deleted")
      continue;
    if (f.owner_id.empty() ? r.status != "ready" : r.owner_id != f.owner_id)
      continue;
    if (!f.category.empty() && r.category != f.category)
      continue;
    if (!f.q.empty()
        && lower(r.title + " " + r.description).find(lower(f.q))
             == std::string::npos)
      continue;
    if (f.has_after
        && !precedes(f.after_value, f.after_id, key_of(r, f.sort), r.id))
      continue;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [&](const video_row& a, const video_row& b) {
    return precedes(key_of(a, f.sort), a.id, key_of(b, f.sort), b.id);
  });
  if (out.size() > static_cast<size_t>(f.limit))
    out.resize(static_cast<size_t>(f.limit));
  return out;
}

void memory_video_store::update_details(const video_row& row) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto& stored = rows_.at(row.id);
  stored.title = row.title;
  stored.description = row.description;
  stored.category = row.category;
  stored.price_per_minute_cents = row.price_per_minute_cents;
}

bool memory_video_store::finish_processing(const std::string& id,
                                           const media_update& media) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end() || i->second.status != "processing")
    return false;
  auto& r = i->second;
  r.status = media.ok ? "ready" : "failed";
  r.failure_reason = media.failure_reason;
  r.duration_ms = media.duration_ms;
  r.video_codec = media.video_codec;
  r.audio_codec = media.audio_codec;
  r.width = media.width;
  r.height = media.height;
  r.renditions = media.renditions;
  r.processing_progress = media.ok ? 100 : r.processing_progress;
  return true;
}

bool memory_video_store::set_progress(const std::string& id, int32_t percent) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end() || i->second.status != "processing")
    return false;
  i->second.processing_progress = percent;
  return true;
}

bool memory_video_store::set_renditions(const std::string& id,
                                        const std::vector<rendition_row>& ladder) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end() || i->second.status != "ready")
    return false;
  i->second.renditions = ladder;
  return true;
}

bool memory_video_store::mark_deleted(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end() || i->second.status == "deleted")
    return false;
  i->second.status = "deleted";
  return true;
}

bool memory_video_store::count_view(const std::string& video_id,
                                    const std::string& session_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  if (!views_.emplace(video_id, session_id).second)
    return false;
  if (auto i = rows_.find(video_id); i != rows_.end())
    ++i->second.views;
  return true;
}

std::vector<video_row> memory_video_store::list_processing() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  std::vector<video_row> out;
  for (const auto& [id, r] : rows_)
    if (r.status == "processing")
      out.push_back(r);
  std::sort(out.begin(), out.end(), [](const video_row& a, const video_row& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  return out;
}

std::vector<video_row> memory_video_store::list_without_ladder() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  std::vector<video_row> out;
  for (const auto& [id, r] : rows_)
    if (r.status == "ready" && r.renditions.empty())
      out.push_back(r);
  std::sort(out.begin(), out.end(), [](const video_row& a, const video_row& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  return out;
}

void memory_video_store::ping() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
}

void memory_video_store::set_available(bool up) {
  std::lock_guard<std::mutex> guard{mtx_};
  available_ = up;
}

} // namespace streamify::persistence
