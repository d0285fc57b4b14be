#include "persistence/analytics/memory_analytics_store.hpp"

#include <set>

namespace streamify::persistence {

namespace {

bool in(day_range range, int64_t day) {
  return day >= range.from_day && day <= range.to_day;
}

} // namespace

std::string memory_analytics_store::outbox_cursor() {
  return cursor_;
}

void memory_analytics_store::apply(const analytics_batch& batch) {
  ++batches_applied;
  for (const auto& m : batch.money) {
    money_.emplace(m.transaction_id, m);
    if (is_paid_view(m))
      views_.emplace(m.session_id, view_fact{m.video_id, m.user_id,
                                             m.creator_id, day_of(m.at_ms)});
  }
  auto note_video = [this](const std::string& id, const activity_event& a,
                           bool deleted) {
    auto& v = videos_[id];
    v.owner_id = a.owner_id;
    if (!a.title.empty())
      v.title = a.title;
    v.deleted = v.deleted || deleted;
  };
  for (const auto& a : batch.activity) {
    if (a.kind == "user") {
      users_[a.id] = a.role;
    } else if (a.kind == "video") {
      note_video(a.id, a, a.gone);
    } else {
      if (a.kind == "session")
        note_video(a.video_id, a, false);
      auto [i, added] = sessions_.emplace(
        a.id, session_fact{a.video_id, a.viewer_id, a.owner_id, a.duration_ms,
                           day_of(a.at_ms), a.billed_ms, a.position_ms});
      i->second.billed_ms = std::max(i->second.billed_ms, a.billed_ms);
      i->second.max_position_ms
        = std::max(i->second.max_position_ms, a.position_ms);
      if (a.kind == "session" && a.view_counted)
        views_.emplace(a.id, view_fact{a.video_id, a.viewer_id, a.owner_id,
                                       day_of(a.at_ms)});
    }
  }
  if (!batch.outbox_cursor.empty())
    cursor_ = batch.outbox_cursor;
}

void memory_analytics_store::collect(
  const video_filter& match, day_range range,
  std::map<int64_t, activity_totals>& per_day,
  std::map<std::string, activity_totals>& per_video, activity_totals& totals) {
  auto add = [&](const std::string& video, int64_t day, auto f) {
    f(per_day[day]);
    f(per_video[video]);
    f(totals);
  };
  std::map<int64_t, std::set<std::string>> day_viewers;
  std::map<std::string, std::set<std::string>> video_viewers;
  std::set<std::string> viewers;
  for (const auto& [id, v] : views_) {
    if (!match(v.video_id, v.owner_id) || !in(range, v.day))
      continue;
    add(v.video_id, v.day, [](activity_totals& t) { ++t.views; });
    day_viewers[v.day].insert(v.viewer_id);
    video_viewers[v.video_id].insert(v.viewer_id);
    viewers.insert(v.viewer_id);
  }
  for (const auto& [id, s] : sessions_)
    if (match(s.video_id, s.owner_id) && in(range, s.day)
        && s.viewer_id != s.owner_id)
      add(s.video_id, s.day,
          [&](activity_totals& t) { t.watched_ms += s.billed_ms; });
  for (const auto& [id, m] : money_)
    if (m.kind != "deposit" && match(m.video_id, m.creator_id)
        && in(range, day_of(m.at_ms)))
      add(m.video_id, day_of(m.at_ms), [&](activity_totals& t) {
        t.revenue_cents += m.creator_cents;
        t.fee_cents += m.fee_cents;
      });
  for (auto& [day, t] : per_day)
    t.unique_viewers = static_cast<int64_t>(day_viewers[day].size());
  for (auto& [video, t] : per_video)
    t.unique_viewers = static_cast<int64_t>(video_viewers[video].size());
  totals.unique_viewers = static_cast<int64_t>(viewers.size());
}

creator_report memory_analytics_store::creator(const std::string& creator_id,
                                               day_range range) {
  std::map<int64_t, activity_totals> per_day;
  std::map<std::string, activity_totals> per_video;
  creator_report out;
  collect([&](const std::string&,
              const std::string& owner) { return owner == creator_id; },
          range, per_day, per_video, out.totals);
  for (const auto& [day, t] : per_day)
    out.per_day.push_back({day, t});
  for (const auto& [video, t] : per_video)
    out.per_video.push_back({video, videos_[video].title, t});
  return out;
}

video_report memory_analytics_store::video(const std::string& video_id,
                                           day_range range) {
  video_report out;
  std::map<int64_t, activity_totals> per_day;
  std::map<std::string, activity_totals> per_video;
  collect([&](const std::string& video,
              const std::string&) { return video == video_id; },
          range, per_day, per_video, out.totals);
  for (const auto& [day, t] : per_day)
    out.per_day.push_back({day, t});
  out.retention.assign(retention_points, 0);
  for (const auto& [id, s] : sessions_)
    if (s.video_id == video_id && in(range, s.day)
        && s.viewer_id != s.owner_id)
      for (int k = 0; k < retention_points; ++k)
        out.retention[k] += reached_tenth(s.max_position_ms, s.duration_ms, k);
  return out;
}

platform_report memory_analytics_store::platform() {
  platform_report out;
  for (const auto& [id, role] : users_) {
    out.viewers += role == "viewer";
    out.creators += role == "creator";
    out.admins += role == "admin";
  }
  for (const auto& [id, v] : videos_)
    out.videos += !v.deleted;
  for (const auto& [id, s] : sessions_) {
    ++out.sessions;
    out.watched_ms += s.billed_ms;
  }
  for (const auto& [id, m] : money_) {
    if (m.kind == "deposit") {
      out.deposits_cents += m.amount_cents;
      continue;
    }
    out.revenue_cents += m.creator_cents + m.fee_cents;
    out.fee_cents += m.fee_cents;
  }
  return out;
}

} // namespace streamify::persistence
