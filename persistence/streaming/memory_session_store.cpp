#include "persistence/streaming/memory_session_store.hpp"

#include <algorithm>
#include <tuple>

#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

void memory_session_store::check() const {
  if (!available_)
    throw unavailable("memory store switched off");
}

void memory_session_store::save(const session_row& row) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  ++saves_;
  rows_[row.id] = row;
}

std::optional<session_row> memory_session_store::find(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = rows_.find(id);
  if (i == rows_.end())
    return std::nullopt;
  return i->second;
}

std::vector<session_row> memory_session_store::live() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  std::vector<session_row> out;
  for (const auto& [id, row] : rows_)
    if (row.state != "ended")
      out.push_back(row);
  return out;
}

std::vector<session_row>
memory_session_store::by_viewer(const std::string& viewer_id, int64_t limit,
                                const std::optional<history_cursor>& before) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  std::vector<session_row> out;
  for (const auto& [id, row] : rows_) {
    if (row.viewer_id != viewer_id)
      continue;
    if (before
        && std::tie(row.started_at_ms, row.id)
             >= std::tie(before->started_at_ms, before->id))
      continue;
    out.push_back(row);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.started_at_ms, a.id) > std::tie(b.started_at_ms, b.id);
  });
  if (out.size() > static_cast<size_t>(limit))
    out.resize(static_cast<size_t>(limit));
  return out;
}

void memory_session_store::ping() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
}

void memory_session_store::set_available(bool up) {
  std::lock_guard<std::mutex> guard{mtx_};
  available_ = up;
}

size_t memory_session_store::saves() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return saves_;
}

} // namespace streamify::persistence
