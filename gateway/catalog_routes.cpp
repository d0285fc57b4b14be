#include <cstdio>
#include <fstream>
#include <sstream>

#include <caf/actor_system.hpp>

#include "actors/auth/messages.hpp"
#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/common/ids.hpp"
#include "gateway/ask.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/json_body.hpp"
#include "gateway/request_params.hpp"
#include "gateway/upload_receiver.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::catalog;

nlohmann::json to_json(const video_info& v) {
  bool ready = v.status == "ready";
  nlohmann::json out{
    {"id", v.id},
    {"owner_id", v.owner_id},
    {"owner_display_name", v.owner_display_name},
    {"title", v.title},
    {"description", v.description},
    {"category", v.category},
    {"price_per_minute_cents", v.price_per_minute_cents},
    {"duration_s", ready ? nlohmann::json(static_cast<double>(v.duration_ms)
                                          / 1000.0)
                         : nlohmann::json()},
    {"status", v.status},
    {"thumbnail_url", ready ? nlohmann::json("/api/videos/" + v.id
                                             + "/thumbnail")
                            : nlohmann::json()},
    {"created_at", format_utc(v.created_at_ms)},
    {"views", v.views}};
  auto ladder = nlohmann::json::array();
  if (ready)
    for (const auto& r : v.renditions)
      ladder.push_back({{"name", r.name},
                        {"width", r.width},
                        {"height", r.height},
                        {"bandwidth_bps", r.bandwidth_bps}});
  out["renditions"] = std::move(ladder);
  if (v.status == "processing")
    out["processing_progress"] = v.processing_progress;
  if (v.status == "failed")
    out["failure_reason"] = v.failure_reason;
  return out;
}

nlohmann::json to_json(const video_page& page) {
  auto items = nlohmann::json::array();
  for (const auto& v : page.items)
    items.push_back(to_json(v));
  return {{"items", items},
          {"next_cursor", page.next_cursor.empty()
                            ? nlohmann::json()
                            : nlohmann::json(page.next_cursor)}};
}

// The caller's id when a token came with the request, empty when none did;
// a bad token is still 401.
std::string optional_user(const request_context& ctx) {
  if (!ctx.req.has_header("Authorization"))
    return {};
  return ctx.user().sub;
}

// Parses a decimal integer the way the contract wants: not a number → 400,
// a number beyond int64 → 422.
int64_t parse_integer(const std::string& text, const char* name) {
  size_t digits_from = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == digits_from || text.size() > 32
      || text.find_first_not_of("0123456789", digits_from) != std::string::npos)
    throw http_error(400, "wrong_type", std::string{name} + " must be an integer");
  try {
    return std::stoll(text);
  } catch (const std::out_of_range&) {
    throw http_error(422, "invalid_field", std::string{name} + " is out of range");
  }
}

video_query query_from(const httplib::Request& req) {
  video_query q;
  q.q = req.get_param_value("q");
  q.category = req.get_param_value("category");
  if (req.has_param("sort"))
    q.sort = req.get_param_value("sort");
  if (req.has_param("limit"))
    q.limit = list_limit(req, 422);
  q.cursor = req.get_param_value("cursor");
  return q;
}

http_error upload_failure(upload_receiver::problem p, int64_t limit) {
  using problem = upload_receiver::problem;
  switch (p) {
    case problem::too_large:
      return {413, "payload_too_large",
              "the video is larger than " + std::to_string(limit) + " bytes"};
    case problem::not_a_video:
      return {415, "not_a_video",
              "the file is not an MP4, MOV, WebM or Matroska video"};
    case problem::bad_form:
      return {400, "bad_form",
              "the form must carry one file and small text fields"};
    case problem::io_error:
      return {503, "storage_unavailable", "the video could not be stored"};
    case problem::none:
      break;
  }
  return {400, "upload_incomplete", "the upload ended before it was complete"};
}

new_video video_from(const upload_receiver& rx) {
  if (!rx.has_file())
    throw http_error(400, "missing_field", "file is required");
  auto text = [&](const char* name, bool required) {
    auto value = rx.field(name);
    if (!value && required)
      throw http_error(400, "missing_field", std::string{name} + " is required");
    return value ? *value : std::string{};
  };
  new_video v;
  v.title = text("title", true);
  v.price_per_minute_cents
    = parse_integer(text("price_per_minute_cents", true),
                    "price_per_minute_cents");
  v.description = text("description", false);
  v.category = text("category", false);
  v.mime_type = rx.mime_type();
  v.size_bytes = rx.size();
  return v;
}

} // namespace

void add_catalog_routes(http_gateway& gw) {
  auto catalog = [&gw] { return gw.roles().get<catalog_actor>("catalog"); };
  auto auth = [&gw] { return gw.roles().get<auth::auth_actor>("auth"); };
  auto timeout = gw.settings().request_timeout;
  auto paths = storage_under(gw.settings().data_dir);
  auto limit = gw.settings().upload_limit;

  gw.upload_route("/api/videos", [&gw, catalog, auth, timeout, paths, limit](
                                   request_context& ctx,
                                   const httplib::ContentReader& reader) {
    auto claims = ctx.user();
    if (claims.role != "creator")
      throw http_error(403, "creators_only", "only creators may upload videos");
    if (!ctx.req.is_multipart_form_data())
      throw http_error(415, "multipart_required",
                       "upload the video as multipart/form-data");
    auto owner = ask<auth::user_info>(gw.system(), auth(), timeout,
                                      auth::get_user_atom::value, claims.sub);
    upload_receiver rx{paths.videos_dir, limit};
    bool complete = reader(
      [&rx](const httplib::MultipartFormData& part) { return rx.on_part(part); },
      [&rx](const char* data, size_t size) { return rx.on_data(data, size); });
    if (!complete || !rx.finish())
      throw upload_failure(rx.error(), limit);
    auto video = video_from(rx);
    video.owner_id = owner.id;
    video.owner_display_name = owner.display_name;
    video.file_name = rx.keep(random_id());
    auto stored = rx.path_of(video.file_name);
    try {
      ctx.reply(201, to_json(ask<video_info>(gw.system(), catalog(), timeout,
                                             create_video_atom::value,
                                             std::move(video))));
    } catch (...) {
      std::remove(stored.c_str());
      throw;
    }
  });
  gw.route("GET", "/api/videos", [&gw, catalog, timeout](request_context& ctx) {
    ctx.reply(200, to_json(ask<video_page>(gw.system(), catalog(), timeout,
                                           list_videos_atom::value,
                                           query_from(ctx.req))));
  });
  gw.route("GET", "/api/creator/videos",
           [&gw, catalog, timeout](request_context& ctx) {
             auto q = query_from(ctx.req);
             q.owner_id = ctx.user().sub;
             ctx.reply(200, to_json(ask<video_page>(gw.system(), catalog(),
                                                    timeout,
                                                    list_videos_atom::value,
                                                    std::move(q))));
           });
  gw.route("GET", "/api/videos/{id}", [&gw, catalog, timeout](request_context& ctx) {
    auto requester = optional_user(ctx);
    ctx.reply(200, to_json(ask<video_info>(gw.system(), catalog(), timeout,
                                           get_video_atom::value,
                                           ctx.req.matches[1].str(),
                                           requester)));
  });
  gw.route("PATCH", "/api/videos/{id}", [&gw, catalog, timeout](request_context& ctx) {
    auto claims = ctx.user();
    auto body = ctx.json_body();
    video_update u;
    u.video_id = ctx.req.matches[1].str();
    u.requester_id = claims.sub;
    if (auto v = optional_string(body, "title"))
      u.title = *v;
    if (auto v = optional_string(body, "description"))
      u.description = *v;
    if (auto v = optional_string(body, "category"))
      u.category = *v;
    if (auto i = body.find("price_per_minute_cents");
        i != body.end() && !i->is_null()) {
      if (!i->is_number_integer())
        throw http_error(400, "wrong_type",
                         "price_per_minute_cents must be an integer");
      if (i->is_number_unsigned() && i->get<uint64_t>() > INT64_MAX)
        throw http_error(422, "invalid_field",
                         "price_per_minute_cents is out of range");
      u.price_per_minute_cents = i->get<int64_t>();
    }
    ctx.reply(200, to_json(ask<video_info>(gw.system(), catalog(), timeout,
                                           update_video_atom::value,
                                           std::move(u))));
  });
  gw.route("DELETE", "/api/videos/{id}", [&gw, catalog, timeout](request_context& ctx) {
    auto claims = ctx.user();
    ask<bool>(gw.system(), catalog(), timeout, delete_video_atom::value,
              ctx.req.matches[1].str(), claims.sub);
    ctx.res.status = 204;
  });
  gw.route("GET", "/api/videos/{id}/thumbnail",
           [&gw, catalog, timeout, paths](request_context& ctx) {
             auto requester = optional_user(ctx);
             auto video = ask<video_info>(gw.system(), catalog(), timeout,
                                          get_video_atom::value,
                                          ctx.req.matches[1].str(), requester);
             std::ifstream in{paths.thumbnails_dir + "/"
                                + thumbnail_name(video.id),
                              std::ios::binary};
             if (video.status != "ready" || !in)
               throw http_error(404, "thumbnail_not_found",
                                "this video has no thumbnail yet");
             std::ostringstream bytes;
             bytes << in.rdbuf();
             ctx.res.status = 200;
             ctx.res.set_header("Cache-Control", "public, max-age=300");
             ctx.res.set_content(bytes.str(), "image/jpeg");
           });
}

} // namespace streamify::gateway
