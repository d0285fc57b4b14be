#include <memory>
#include <string>

#include "actors/catalog/catalog_rules.hpp"
#include "gateway/byte_range.hpp"
#include "gateway/file_response.hpp"
#include "gateway/http_error.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/playlist_cache.hpp"
#include "gateway/session_access.hpp"

namespace streamify::gateway {

namespace {

constexpr const char* playlist_type = "application/vnd.apple.mpegurl";

bool all_of(const std::string& s, size_t from, size_t to, bool (*ok)(char)) {
  for (size_t i = from; i < to; ++i)
    if (!ok(s[i]))
      return false;
  return true;
}

bool rendition_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// Rendition folders are named like "720p": lowercase letters, digits, '_'.
void check_rendition(const std::string& name) {
  if (name.empty() || name.size() > 16
      || !all_of(name, 0, name.size(), rendition_char))
    throw http_error(404, "rendition_not_found", "no such rendition");
}

// seg_<digits>.m4s or seg_<digits>.ts: the segment's MIME type, else 404.
const char* segment_type(const std::string& name) {
  auto dot = name.rfind('.');
  if (name.rfind("seg_", 0) == 0 && dot != std::string::npos && dot > 4
      && dot - 4 <= 9 && all_of(name, 4, dot, digit)) {
    auto ext = name.substr(dot);
    if (ext == ".m4s")
      return "video/mp4";
    if (ext == ".ts")
      return "video/mp2t";
  }
  throw http_error(404, "segment_not_found", "no such segment");
}

void cache_privately(request_context& ctx) {
  ctx.res.set_header("Cache-Control", "private");
}

void send_playlist(request_context& ctx, const std::string& path) {
  auto text = read_small_file(path, playlist_limit);
  if (!text)
    throw http_error(404, "playlist_not_found",
                     "the video has no such playlist");
  cache_privately(ctx);
  ctx.res.status = 200;
  ctx.res.set_content(*text, playlist_type);
}

struct media_file {
  std::shared_ptr<file_handle> file;
  int64_t size = 0;
  int64_t mtime = 0;
};

media_file open_media(const std::string& path) {
  media_file m;
  m.file = open_file(path, m.size, m.mtime);
  if (!m.file)
    throw http_error(404, "segment_not_found", "no such segment");
  return m;
}

// The part of the file a Range asks for (the whole without one), or 416.
range_plan plan_media(request_context& ctx, const media_file& media) {
  auto plan = plan_range(ctx.req.get_header_value("Range"), media.size,
                         media.size);
  ctx.res.set_header("Accept-Ranges", "bytes");
  if (plan.status == 416) {
    ctx.res.set_header("Content-Range", content_range(plan, media.size));
    throw http_error(416, "range_not_satisfiable",
                     "the range is not satisfiable for this segment");
  }
  return plan;
}

void send_media(request_context& ctx, media_file media, const range_plan& plan,
                const char* mime_type,
                const std::shared_ptr<stream_slots>& slots) {
  ctx.res.status = plan.status;
  if (plan.status == 206)
    ctx.res.set_header("Content-Range", content_range(plan, media.size));
  ctx.res.set_header("Last-Modified", http_date(media.mtime));
  cache_privately(ctx);
  send_file(ctx, std::move(media.file), plan.first, plan.length, mime_type,
            slots);
}

// The session's entitlement once its token and state allow delivery.
entitlement admit(request_context& ctx, session_access& access) {
  // The range is planned here (see the progressive stream route).
  const_cast<httplib::Request&>(ctx.req).ranges.clear();
  std::string session_id = ctx.req.matches[1];
  auto e = access.lookup(session_id);
  check_stream_token(ctx, ctx.req.matches[2], session_id, e);
  check_state(e);
  return e;
}

} // namespace

// GET /api/sessions/{id}/hls/{st}/...: the video's HLS ladder with the
// stream token in the path, so relative URIs in the playlists carry it.
// Playlists and init segments carry no media time and are free; a media
// segment is delivered inside the session's granted spans only.
void add_hls_routes(http_gateway& gw, std::shared_ptr<session_access> access,
                    std::shared_ptr<stream_slots> slots) {
  auto playlists = std::make_shared<playlist_cache>();
  auto paths = catalog::storage_under(gw.settings().data_dir);
  gw.route("GET", "/api/sessions/{id}/hls/{st}/master.m3u8",
           [access, paths](request_context& ctx) {
             auto e = admit(ctx, *access);
             send_playlist(ctx, catalog::hls_dir(paths, e.video_id)
                                  + "/master.m3u8");
           });
  gw.route(
    "GET", "/api/sessions/{id}/hls/{st}/{rendition}/{file}",
    [access, slots, playlists, paths](request_context& ctx) {
      auto e = admit(ctx, *access);
      std::string rendition = ctx.req.matches[3];
      std::string file = ctx.req.matches[4];
      check_rendition(rendition);
      auto dir = catalog::hls_dir(paths, e.video_id) + "/" + rendition;
      if (file == "index.m3u8") {
        send_playlist(ctx, dir + "/index.m3u8");
        return;
      }
      if (file == "init.mp4") {
        auto init = open_media(dir + "/init.mp4");
        auto plan = plan_media(ctx, init);
        send_media(ctx, std::move(init), plan, "video/mp4", slots);
        return;
      }
      auto type = segment_type(file);
      auto playlist = playlists->get(dir + "/index.m3u8");
      const media_segment* segment = playlist ? playlist->find(file) : nullptr;
      if (!segment)
        throw http_error(404, "segment_not_found", "no such segment");
      // A missing file or a bad range claims nothing.
      auto media = open_media(dir + "/" + file);
      auto plan = plan_media(ctx, media);
      access->claim(ctx.req.matches[1], {segment->begin_ms, segment->end_ms});
      send_media(ctx, std::move(media), plan, type, slots);
    });
}

} // namespace streamify::gateway
