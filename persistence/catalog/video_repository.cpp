#include "persistence/catalog/video_repository.hpp"

#include <nlohmann/json.hpp>

namespace streamify::persistence {

namespace {

#define VIDEO_COLUMNS                                                          \
  "id, owner_id, owner_display_name, title, description, category,"           \
  " price_per_minute_cents, duration_ms, status, failure_reason, file_name,"   \
  " mime_type, size_bytes, views, created_at_ms, video_codec, audio_codec,"    \
  " width, height, coalesce(renditions::text, ''), processing_progress"

const std::vector<named_statement> statements{
  {"video_insert",
   "INSERT INTO videos (id, owner_id, owner_display_name, title, description,"
   " category, price_per_minute_cents, status, file_name, mime_type,"
   " size_bytes, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
   " $10, $11, $12)"},
  {"video_find",
   "SELECT " VIDEO_COLUMNS " FROM videos WHERE id = $1 AND status <> 'deleted'"},
  {"video_update_details",
   "UPDATE videos SET title = $2, description = $3, category = $4,"
   " price_per_minute_cents = $5, updated_at = now()"
   " WHERE id = $1 AND status <> 'deleted'"},
  {"video_finish",
   "UPDATE videos SET status = $2, failure_reason = $3, duration_ms = $4,"
   " video_codec = $5, audio_codec = $6, width = $7, height = $8,"
   " renditions = NULLIF($9, '')::jsonb, processing_progress = CASE WHEN $2 = 'ready'"
   " THEN 100 ELSE processing_progress END,"
   " updated_at = now() WHERE id = $1 AND status = 'processing'"},
  {"video_progress",
   "UPDATE videos SET processing_progress = $2"
   " WHERE id = $1 AND status = 'processing'"},
  {"video_set_renditions",
   "UPDATE videos SET renditions = NULLIF($2, '')::jsonb, updated_at = now()"
   " WHERE id = $1 AND status = 'ready'"},
  {"video_without_ladder",
   "SELECT " VIDEO_COLUMNS " FROM videos WHERE status = 'ready'"
   " AND renditions IS NULL ORDER BY created_at_ms"},
  {"video_delete",
   "UPDATE videos SET status = 'deleted', deleted_at = now(),"
   " updated_at = now() WHERE id = $1 AND status <> 'deleted'"},
  {"video_processing",
   "SELECT " VIDEO_COLUMNS " FROM videos WHERE status = 'processing'"
   " ORDER BY created_at_ms"},
  {"video_count_view",
   "WITH counted AS (INSERT INTO video_views (video_id, session_id)"
   " VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING video_id)"
   " UPDATE videos SET views = views + 1"
   " WHERE id IN (SELECT video_id FROM counted) RETURNING id"},
};

video_row to_row(const pqxx::row& r) {
  video_row v;
  v.id = r[0].as<std::string>();
  v.owner_id = r[1].as<std::string>();
  v.owner_display_name = r[2].as<std::string>();
  v.title = r[3].as<std::string>();
  v.description = r[4].as<std::string>();
  v.category = r[5].as<std::string>();
  v.price_per_minute_cents = r[6].as<int64_t>();
  v.duration_ms = r[7].as<int64_t>();
  v.status = r[8].as<std::string>();
  v.failure_reason = r[9].as<std::string>();
  v.file_name = r[10].as<std::string>();
  v.mime_type = r[11].as<std::string>();
  v.size_bytes = r[12].as<int64_t>();
  v.views = r[13].as<int64_t>();
  v.created_at_ms = r[14].as<int64_t>();
  v.video_codec = r[15].as<std::string>();
  v.audio_codec = r[16].as<std::string>();
  v.width = r[17].as<int64_t>();
  v.height = r[18].as<int64_t>();
  auto ladder = nlohmann::json::parse(r[19].as<std::string>(), nullptr, false);
  if (ladder.is_array())
    for (const auto& x : ladder)
      v.renditions.push_back({x.value("name", ""), x.value("width", int64_t{0}),
                              x.value("height", int64_t{0}),
                              x.value("bandwidth_bps", int64_t{0})});
  v.processing_progress = r[20].as<int32_t>();
  return v;
}

// A JSON array, or empty for no ladder (NULLIF makes that NULL).
std::string ladder_json(const std::vector<rendition_row>& ladder) {
  if (ladder.empty())
    return {};
  auto out = nlohmann::json::array();
  for (const auto& x : ladder)
    out.push_back({{"name", x.name},
                   {"width", x.width},
                   {"height", x.height},
                   {"bandwidth_bps", x.bandwidth_bps}});
  return out.dump();
}

std::string like_pattern(const std::string& q) {
  if (q.empty())
    return {};
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "%";
}

// The list query for one sort and scope. Run as an unnamed statement, so the
// planner sees the actual values: empty filters fold away and the partial
// indexes (keyset order, trigram search) apply.
std::string list_sql(const video_filter& f) {
  std::string key = f.sort == "popular" ? "views"
                    : f.sort == "price_asc" || f.sort == "price_desc"
                      ? "price_per_minute_cents"
                      : "created_at_ms";
  bool asc = f.sort == "price_asc";
  std::string dir = asc ? " ASC" : " DESC";
  std::string scope = f.owner_id.empty()
                        ? "status = 'ready' AND $3::text = ''"
                        : "owner_id = $3 AND status <> 'deleted'";
  return "SELECT " VIDEO_COLUMNS " FROM videos WHERE " + scope
         + " AND ($2::text = '' OR category = $2)"
           " AND ($1::text = '' OR (title || ' ' || description) ILIKE $1)"
           " AND (NOT $4::boolean OR ("
         + key + ", id) " + (asc ? ">" : "<")
         + " ($5::bigint, $6::text)) ORDER BY " + key + dir + ", id" + dir
         + " LIMIT $7::bigint";
}

#undef VIDEO_COLUMNS

} // namespace

video_repository::video_repository(std::string url)
  : db_(std::move(url), statements) {
}

void video_repository::insert(const video_row& v) {
  db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    txn.exec_prepared("video_insert", v.id, v.owner_id, v.owner_display_name,
                      v.title, v.description, v.category,
                      v.price_per_minute_cents, v.status, v.file_name,
                      v.mime_type, v.size_bytes, v.created_at_ms);
    txn.commit();
    return 0;
  });
}

std::optional<video_row> video_repository::find(const std::string& id) {
  return db_.run([&](pqxx::connection_base& c) -> std::optional<video_row> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("video_find", id);
    if (res.empty())
      return std::nullopt;
    return to_row(res[0]);
  });
}

std::vector<video_row> video_repository::list(const video_filter& f) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_params(list_sql(f), like_pattern(f.q), f.category,
                               f.owner_id, f.has_after, f.after_value,
                               f.after_id, f.limit);
    std::vector<video_row> out;
    out.reserve(res.size());
    for (const auto& r : res)
      out.push_back(to_row(r));
    return out;
  });
}

void video_repository::update_details(const video_row& v) {
  db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    txn.exec_prepared("video_update_details", v.id, v.title, v.description,
                      v.category, v.price_per_minute_cents);
    txn.commit();
    return 0;
  });
}

bool video_repository::finish_processing(const std::string& id,
                                         const media_update& m) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("video_finish", id,
                                 m.ok ? "ready" : "failed", m.failure_reason,
                                 m.duration_ms, m.video_codec, m.audio_codec,
                                 m.width, m.height, ladder_json(m.renditions));
    txn.commit();
    return res.affected_rows() == 1;
  });
}

bool video_repository::set_progress(const std::string& id, int32_t percent) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("video_progress", id, percent);
    txn.commit();
    return res.affected_rows() == 1;
  });
}

bool video_repository::set_renditions(const std::string& id,
                                      const std::vector<rendition_row>& ladder) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("video_set_renditions", id, ladder_json(ladder));
    txn.commit();
    return res.affected_rows() == 1;
  });
}

bool video_repository::mark_deleted(const std::string& id) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("video_delete", id);
    txn.commit();
    return res.affected_rows() == 1;
  });
}

bool video_repository::count_view(const std::string& video_id,
                                  const std::string& session_id) {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::work txn{c};
    auto res = txn.exec_prepared("video_count_view", video_id, session_id);
    txn.commit();
    return !res.empty();
  });
}

std::vector<video_row> video_repository::list_processing() {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    std::vector<video_row> out;
    for (const auto& r : txn.exec_prepared("video_processing"))
      out.push_back(to_row(r));
    return out;
  });
}

std::vector<video_row> video_repository::list_without_ladder() {
  return db_.run([&](pqxx::connection_base& c) {
    pqxx::read_transaction txn{c};
    std::vector<video_row> out;
    for (const auto& r : txn.exec_prepared("video_without_ladder"))
      out.push_back(to_row(r));
    return out;
  });
}

void video_repository::ping() {
  db_.ping();
}

} // namespace streamify::persistence
