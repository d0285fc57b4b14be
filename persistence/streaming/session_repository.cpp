#include "persistence/streaming/session_repository.hpp"

namespace streamify::persistence {

namespace {

#define SESSION_COLUMNS                                                        \
  "id, viewer_id, video_id, owner_id, title, duration_ms, price_cents,"        \
  " fee_bps, state, coalesce(end_reason, ''), started_at_ms,"                  \
  " coalesce(ended_at_ms, 0), minutes_paid, charged_cents, billed_ms,"         \
  " position_ms, playing, last_heartbeat_ms, last_seq, balance_cents,"         \
  " view_counted, delivered"

const std::vector<named_statement> statements{
  {"session_save",
   "INSERT INTO sessions (id, viewer_id, video_id, owner_id, title,"
   " duration_ms, price_cents, fee_bps, state, end_reason, started_at_ms,"
   " ended_at_ms, minutes_paid, charged_cents, billed_ms, position_ms,"
   " playing, last_heartbeat_ms, last_seq, balance_cents, view_counted,"
   " delivered)"
   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''), $11,"
   " nullif($12::bigint, 0), $13, $14, $15, $16, $17, $18, $19, $20, $21,"
   " $22)"
   " ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
   " end_reason = excluded.end_reason, ended_at_ms = excluded.ended_at_ms,"
   " minutes_paid = excluded.minutes_paid,"
   " charged_cents = excluded.charged_cents, billed_ms = excluded.billed_ms,"
   " position_ms = excluded.position_ms, playing = excluded.playing,"
   " last_heartbeat_ms = excluded.last_heartbeat_ms,"
   " last_seq = excluded.last_seq, balance_cents = excluded.balance_cents,"
   " view_counted = excluded.view_counted, delivered = excluded.delivered,"
   " updated_at = now()"},
  {"session_by_id", "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = $1"},
  {"sessions_live",
   "SELECT " SESSION_COLUMNS " FROM sessions WHERE state <> 'ended'"},
  {"sessions_by_viewer",
   "SELECT " SESSION_COLUMNS " FROM sessions WHERE viewer_id = $1"
   " ORDER BY started_at_ms DESC, id DESC LIMIT $2"},
  {"sessions_by_viewer_before",
   "SELECT " SESSION_COLUMNS " FROM sessions WHERE viewer_id = $1"
   " AND (started_at_ms, id) < ($3, $4)"
   " ORDER BY started_at_ms DESC, id DESC LIMIT $2"},
};

#undef SESSION_COLUMNS

session_row to_row(const pqxx::row& r) {
  session_row s;
  s.id = r[0].as<std::string>();
  s.viewer_id = r[1].as<std::string>();
  s.video_id = r[2].as<std::string>();
  s.owner_id = r[3].as<std::string>();
  s.title = r[4].as<std::string>();
  s.duration_ms = r[5].as<int64_t>();
  s.price_cents = r[6].as<int64_t>();
  s.fee_bps = r[7].as<int64_t>();
  s.state = r[8].as<std::string>();
  s.end_reason = r[9].as<std::string>();
  s.started_at_ms = r[10].as<int64_t>();
  s.ended_at_ms = r[11].as<int64_t>();
  s.minutes_paid = r[12].as<int64_t>();
  s.charged_cents = r[13].as<int64_t>();
  s.billed_ms = r[14].as<int64_t>();
  s.position_ms = r[15].as<int64_t>();
  s.playing = r[16].as<bool>();
  s.last_heartbeat_ms = r[17].as<int64_t>();
  s.last_seq = r[18].as<int64_t>();
  s.balance_cents = r[19].as<int64_t>();
  s.view_counted = r[20].as<bool>();
  s.delivered = r[21].as<std::string>();
  return s;
}

std::vector<session_row> to_rows(const pqxx::result& res) {
  std::vector<session_row> out;
  out.reserve(res.size());
  for (const auto& r : res)
    out.push_back(to_row(r));
  return out;
}

} // namespace

session_repository::session_repository(std::string url)
  : db_(std::move(url), statements) {
}

void session_repository::save(const session_row& s) {
  db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    txn.exec_prepared("session_save", s.id, s.viewer_id, s.video_id,
                      s.owner_id, s.title, s.duration_ms, s.price_cents,
                      s.fee_bps, s.state, s.end_reason, s.started_at_ms,
                      s.ended_at_ms, s.minutes_paid, s.charged_cents,
                      s.billed_ms, s.position_ms, s.playing,
                      s.last_heartbeat_ms, s.last_seq, s.balance_cents,
                      s.view_counted, s.delivered);
    txn.commit();
    return 0;
  });
}

std::optional<session_row> session_repository::find(const std::string& id) {
  return db_.run([&](pqxx::connection_base& c) -> std::optional<session_row> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("session_by_id", id);
    if (res.empty())
      return std::nullopt;
    return to_row(res[0]);
  });
}

std::vector<session_row> session_repository::live() {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    return to_rows(txn.exec_prepared("sessions_live"));
  });
}

std::vector<session_row>
session_repository::by_viewer(const std::string& viewer_id, int64_t limit,
                              const std::optional<history_cursor>& before) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    if (before)
      return to_rows(txn.exec_prepared("sessions_by_viewer_before", viewer_id,
                                       limit, before->started_at_ms,
                                       before->id));
    return to_rows(txn.exec_prepared("sessions_by_viewer", viewer_id, limit));
  });
}

void session_repository::ping() {
  db_.ping();
}

} // namespace streamify::persistence
