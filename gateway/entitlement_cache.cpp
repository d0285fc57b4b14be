#include "gateway/entitlement_cache.hpp"

namespace streamify::gateway {

std::optional<entitlement>
entitlement_cache::find(const std::string& session_id, time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(session_id);
  if (i == entries_.end() || !i->second.complete
      || now - i->second.fetched >= ttl_)
    return std::nullopt;
  return i->second.e;
}

void entitlement_cache::store(const std::string& session_id, entitlement e,
                              time_point started) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& en = slot(session_id, started);
  if (en.observed >= started) {
    e.state = std::move(en.e.state);
    e.minutes_paid = en.e.minutes_paid;
  }
  en.e = std::move(e);
  en.fetched = started;
  en.complete = true;
}

void entitlement_cache::observe(const std::string& session_id,
                                const std::string& viewer_id,
                                const std::string& state, int64_t minutes_paid,
                                time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& en = slot(session_id, now);
  en.e.viewer_id = viewer_id;
  en.e.state = state;
  en.e.minutes_paid = minutes_paid;
  en.observed = now;
}

streaming::time_span
entitlement_cache::granted_around(const std::string& session_id,
                                  int64_t at_ms) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(session_id);
  if (i == entries_.end())
    return {at_ms, at_ms};
  return i->second.granted.around(at_ms);
}

void entitlement_cache::grant(const std::string& session_id,
                              const streaming::time_span& span,
                              time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  slot(session_id, now).granted.add(span);
}

// The session's entry, new ones expiring from `now`; makes room first when
// the cache is full.
entitlement_cache::entry& entitlement_cache::slot(const std::string& session_id,
                                                  time_point now) {
  if (auto i = entries_.find(session_id); i != entries_.end())
    return i->second;
  if (entries_.size() >= max_sessions_) {
    for (auto i = entries_.begin(); i != entries_.end();)
      i = now - i->second.fetched >= ttl_ ? entries_.erase(i) : std::next(i);
    if (entries_.size() >= max_sessions_)
      entries_.clear();
  }
  auto& en = entries_[session_id];
  en.fetched = now;
  return en;
}

} // namespace streamify::gateway
