#include "persistence/analytics/analytics_repository.hpp"

#include <map>
#include <tuple>

namespace streamify::persistence {

namespace {

#define ROLLUP_SUMS                                                            \
  "sum(views)::bigint, sum(watched_ms)::bigint, sum(revenue_cents)::bigint,"  \
  " sum(fee_cents)::bigint"

const std::vector<named_statement> statements{
  {"an_cursor", "SELECT cursor FROM outbox_cursor"},
  {"an_cursor_set",
   "INSERT INTO outbox_cursor (id, cursor) VALUES (true, $1)"
   " ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor"},
  {"an_money",
   "INSERT INTO money (transaction_id, kind, user_id, creator_id, session_id,"
   " video_id, minute_index, amount_cents, creator_cents, fee_cents, day,"
   " at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
   " ON CONFLICT (transaction_id) DO NOTHING"},
  {"an_view",
   "INSERT INTO views (session_id, video_id, viewer_id, owner_id, day)"
   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id) DO NOTHING"},
  {"an_session",
   "INSERT INTO sessions (session_id, video_id, viewer_id, owner_id,"
   " duration_ms, day, billed_ms, max_position_ms, ended)"
   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
   " ON CONFLICT (session_id) DO UPDATE SET"
   " billed_ms = greatest(sessions.billed_ms, excluded.billed_ms),"
   " max_position_ms = greatest(sessions.max_position_ms,"
   " excluded.max_position_ms), ended = sessions.ended OR excluded.ended"},
  {"an_user",
   "INSERT INTO users (user_id, role) VALUES ($1, $2)"
   " ON CONFLICT (user_id) DO UPDATE SET role = excluded.role"},
  {"an_video",
   "INSERT INTO videos (video_id, owner_id, title, duration_ms, deleted)"
   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (video_id) DO UPDATE SET"
   " title = CASE WHEN excluded.title <> '' THEN excluded.title"
   " ELSE videos.title END, duration_ms = greatest(videos.duration_ms,"
   " excluded.duration_ms), deleted = videos.deleted OR excluded.deleted"},
  {"an_rollup",
   "INSERT INTO video_day (video_id, day, owner_id, views, unique_viewers,"
   " watched_ms, revenue_cents, fee_cents) SELECT $1, $2, $3,"
   " (SELECT count(*) FROM views WHERE video_id = $1 AND day = $2),"
   " (SELECT count(DISTINCT viewer_id) FROM views"
   "  WHERE video_id = $1 AND day = $2),"
   " (SELECT coalesce(sum(billed_ms), 0) FROM sessions"
   "  WHERE video_id = $1 AND day = $2 AND viewer_id <> owner_id),"
   " (SELECT coalesce(sum(creator_cents), 0) FROM money"
   "  WHERE video_id = $1 AND day = $2 AND kind <> 'deposit'),"
   " (SELECT coalesce(sum(fee_cents), 0) FROM money"
   "  WHERE video_id = $1 AND day = $2 AND kind <> 'deposit')"
   " ON CONFLICT (video_id, day) DO UPDATE SET views = excluded.views,"
   " unique_viewers = excluded.unique_viewers,"
   " watched_ms = excluded.watched_ms,"
   " revenue_cents = excluded.revenue_cents, fee_cents = excluded.fee_cents"},
  {"an_creator_days",
   "SELECT day, " ROLLUP_SUMS " FROM video_day"
   " WHERE owner_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day ORDER BY day"},
  {"an_creator_videos",
   "SELECT d.video_id, coalesce(max(v.title), ''), " ROLLUP_SUMS
   " FROM video_day d LEFT JOIN videos v USING (video_id)"
   " WHERE d.owner_id = $1 AND day BETWEEN $2 AND $3"
   " GROUP BY d.video_id ORDER BY d.video_id"},
  {"an_creator_viewers",
   "SELECT count(DISTINCT viewer_id) FROM views"
   " WHERE owner_id = $1 AND day BETWEEN $2 AND $3"},
  {"an_creator_day_viewers",
   "SELECT day, count(DISTINCT viewer_id) FROM views"
   " WHERE owner_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day"},
  {"an_creator_video_viewers",
   "SELECT video_id, count(DISTINCT viewer_id) FROM views"
   " WHERE owner_id = $1 AND day BETWEEN $2 AND $3 GROUP BY video_id"},
  {"an_video_days",
   "SELECT day, " ROLLUP_SUMS ", sum(unique_viewers)::bigint FROM video_day"
   " WHERE video_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day ORDER BY day"},
  {"an_video_viewers",
   "SELECT count(DISTINCT viewer_id) FROM views"
   " WHERE video_id = $1 AND day BETWEEN $2 AND $3"},
  {"an_retention",
   "SELECT k, count(s.session_id) FILTER (WHERE s.duration_ms > 0"
   " AND s.max_position_ms * 10 >= k * s.duration_ms)"
   " FROM generate_series(0, 9) k LEFT JOIN sessions s ON s.video_id = $1"
   " AND s.day BETWEEN $2 AND $3 AND s.viewer_id <> s.owner_id"
   " GROUP BY k ORDER BY k"},
  {"an_platform",
   "SELECT (SELECT count(*) FROM users WHERE role = 'viewer'),"
   " (SELECT count(*) FROM users WHERE role = 'creator'),"
   " (SELECT count(*) FROM users WHERE role = 'admin'),"
   " (SELECT count(*) FROM videos WHERE NOT deleted),"
   " (SELECT count(*) FROM sessions),"
   " (SELECT coalesce(sum(billed_ms), 0) FROM sessions),"
   " (SELECT coalesce(sum(amount_cents), 0) FROM money"
   "  WHERE kind = 'deposit'),"
   " (SELECT coalesce(sum(creator_cents + fee_cents), 0) FROM money"
   "  WHERE kind <> 'deposit'),"
   " (SELECT coalesce(sum(fee_cents), 0) FROM money)"},
};

#undef ROLLUP_SUMS

// Columns `first`.. hold views, watched_ms, revenue_cents, fee_cents.
activity_totals sums(const pqxx::row& r, int first) {
  activity_totals t;
  t.views = r[first].as<int64_t>(0);
  t.watched_ms = r[first + 1].as<int64_t>(0);
  t.revenue_cents = r[first + 2].as<int64_t>(0);
  t.fee_cents = r[first + 3].as<int64_t>(0);
  return t;
}

using rollup_key = std::tuple<std::string, int64_t>;

} // namespace

analytics_repository::analytics_repository(std::string url)
  : db_(std::move(url), statements) {
}

std::string analytics_repository::outbox_cursor() {
  return db_.run([](pqxx::connection_base& c) {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_prepared("an_cursor");
    return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
  });
}

void analytics_repository::apply(const analytics_batch& batch) {
  db_.run([&](pqxx::connection_base& c) {
    pqxx::work tx{c};
    std::map<rollup_key, std::string> touched; // -> owner
    for (const auto& m : batch.money) {
      auto day = day_of(m.at_ms);
      tx.exec_prepared("an_money", m.transaction_id, m.kind, m.user_id,
                       m.creator_id, m.session_id, m.video_id, m.minute_index,
                       m.amount_cents, m.creator_cents, m.fee_cents, day,
                       m.at_ms);
      if (is_paid_view(m))
        tx.exec_prepared("an_view", m.session_id, m.video_id, m.user_id,
                         m.creator_id, day);
      if (m.kind != "deposit")
        touched[{m.video_id, day}] = m.creator_id;
    }
    for (const auto& a : batch.activity) {
      if (a.kind == "user") {
        tx.exec_prepared("an_user", a.id, a.role);
      } else if (a.kind == "video") {
        tx.exec_prepared("an_video", a.id, a.owner_id, a.title, a.duration_ms,
                         a.gone);
      } else {
        auto day = day_of(a.at_ms);
        tx.exec_prepared("an_session", a.id, a.video_id, a.viewer_id,
                         a.owner_id, a.duration_ms, day, a.billed_ms,
                         a.position_ms, a.gone);
        if (a.kind == "session") // names the video, should its event be lost
          tx.exec_prepared("an_video", a.video_id, a.owner_id, a.title,
                           a.duration_ms, false);
        if (a.kind == "session" && a.view_counted)
          tx.exec_prepared("an_view", a.id, a.video_id, a.viewer_id,
                           a.owner_id, day);
        touched[{a.video_id, day}] = a.owner_id;
      }
    }
    for (const auto& [key, owner] : touched)
      tx.exec_prepared("an_rollup", std::get<0>(key), std::get<1>(key), owner);
    if (!batch.outbox_cursor.empty())
      tx.exec_prepared("an_cursor_set", batch.outbox_cursor);
    tx.commit();
  });
}

creator_report analytics_repository::creator(const std::string& creator_id,
                                             day_range range) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction tx{c};
    auto query = [&](const char* name) {
      return tx.exec_prepared(name, creator_id, range.from_day, range.to_day);
    };
    creator_report out;
    std::map<int64_t, int64_t> day_viewers;
    for (const auto& r : query("an_creator_day_viewers"))
      day_viewers[r[0].as<int64_t>()] = r[1].as<int64_t>();
    std::map<std::string, int64_t> video_viewers;
    for (const auto& r : query("an_creator_video_viewers"))
      video_viewers[r[0].as<std::string>()] = r[1].as<int64_t>();
    for (const auto& r : query("an_creator_days")) {
      day_totals d{r[0].as<int64_t>(), sums(r, 1)};
      d.totals.unique_viewers = day_viewers[d.day];
      out.totals.views += d.totals.views;
      out.totals.watched_ms += d.totals.watched_ms;
      out.totals.revenue_cents += d.totals.revenue_cents;
      out.totals.fee_cents += d.totals.fee_cents;
      out.per_day.push_back(d);
    }
    for (const auto& r : query("an_creator_videos")) {
      video_totals v{r[0].as<std::string>(), r[1].as<std::string>(),
                     sums(r, 2)};
      v.totals.unique_viewers = video_viewers[v.video_id];
      out.per_video.push_back(std::move(v));
    }
    out.totals.unique_viewers = query("an_creator_viewers")[0][0].as<int64_t>();
    return out;
  });
}

video_report analytics_repository::video(const std::string& video_id,
                                         day_range range) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction tx{c};
    video_report out;
    auto query = [&](const char* name) {
      return tx.exec_prepared(name, video_id, range.from_day, range.to_day);
    };
    for (const auto& r : query("an_video_days")) {
      day_totals d{r[0].as<int64_t>(), sums(r, 1)};
      d.totals.unique_viewers = r[5].as<int64_t>(0);
      out.totals.views += d.totals.views;
      out.totals.watched_ms += d.totals.watched_ms;
      out.totals.revenue_cents += d.totals.revenue_cents;
      out.totals.fee_cents += d.totals.fee_cents;
      out.per_day.push_back(d);
    }
    out.totals.unique_viewers = query("an_video_viewers")[0][0].as<int64_t>();
    for (const auto& r : query("an_retention"))
      out.retention.push_back(r[1].as<int64_t>());
    return out;
  });
}

platform_report analytics_repository::platform() {
  return db_.run([](pqxx::connection_base& c) {
    pqxx::read_transaction tx{c};
    auto r = tx.exec_prepared("an_platform")[0];
    return platform_report{r[0].as<int64_t>(), r[1].as<int64_t>(),
                           r[2].as<int64_t>(), r[3].as<int64_t>(),
                           r[4].as<int64_t>(), r[5].as<int64_t>(),
                           r[6].as<int64_t>(), r[7].as<int64_t>(),
                           r[8].as<int64_t>()};
  });
}

void analytics_repository::ping() {
  db_.ping();
}

} // namespace streamify::persistence
