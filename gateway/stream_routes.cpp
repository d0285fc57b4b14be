#include <algorithm>
#include <memory>

#include "actors/streaming/paid_window.hpp"
#include "gateway/byte_range.hpp"
#include "gateway/file_response.hpp"
#include "gateway/http_error.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/session_access.hpp"

namespace streamify::gateway {

namespace {

using streaming::time_span;

constexpr int64_t max_response_bytes = int64_t{8} << 20;
// A range starting outside what was granted claims this much video time
// (one segment's worth), plus what the session grants ahead.
constexpr int64_t progressive_claim_ms = 4'000;

// The session's viewer, by stream token or Bearer token: 401 or 403.
void authorize(const request_context& ctx, const std::string& session_id,
               const entitlement& e) {
  if (ctx.req.has_param("st")) {
    check_stream_token(ctx, ctx.req.get_param_value("st"), session_id, e);
    return;
  }
  if (ctx.user().sub != e.viewer_id)
    throw http_error(403, "not_your_session",
                     "only the session's viewer may stream it");
}

// Bytes map to time in proportion: byte b of a file of `size` bytes lies at
// b x duration / size. The answer is cut where the granted span ends, so
// the distinct bytes a session receives stay within size x allowed time /
// duration.
int64_t granted_length(session_access& access, const std::string& session_id,
                       const entitlement& e, int64_t size, int64_t first,
                       int64_t length) {
  auto duration = std::max<int64_t>(e.duration_ms, 1);
  auto begin_ms = first * duration / size;
  auto end_ms = ((first + length) * duration + size - 1) / size;
  auto granted = access.granted_around(session_id, begin_ms);
  if (granted.length() == 0 || granted.end_ms <= begin_ms)
    granted = access.claim(
      session_id,
      {begin_ms, std::min(end_ms, begin_ms + progressive_claim_ms)});
  auto end_byte = granted.end_ms >= duration ? size
                                             : granted.end_ms * size / duration;
  if (end_byte <= first)
    throw http_error(402, "beyond_paid_window",
                     "this part of the video is past what the session has "
                     "paid for");
  return std::min(length, end_byte - first);
}

} // namespace

void add_hls_routes(http_gateway& gw, std::shared_ptr<session_access> access,
                    std::shared_ptr<stream_slots> slots);

void add_stream_routes(http_gateway& gw) {
  auto access = std::make_shared<session_access>(gw);
  auto slots = std::make_shared<stream_slots>(stream_limit(gw.settings()));
  gw.route("GET", "/api/sessions/{id}/stream", [access,
                                                slots](request_context& ctx) {
    // httplib 0.11 would apply the Range header again to whatever this
    // handler answers (slicing error bodies, ignoring our clamping): the
    // range is planned here, so the library must see none. The request
    // object is the server's own mutable one.
    const_cast<httplib::Request&>(ctx.req).ranges.clear();
    std::string session_id = ctx.req.matches[1];
    auto e = access->lookup(session_id);
    authorize(ctx, session_id, e);
    check_state(e);
    int64_t size = 0;
    int64_t mtime = 0;
    auto file = open_file(e.file_path, size, mtime);
    if (!file)
      throw http_error(404, "video_unavailable",
                       "the video's file is not available");
    auto plan = plan_range(ctx.req.get_header_value("Range"), size,
                           max_response_bytes);
    ctx.res.set_header("Accept-Ranges", "bytes");
    if (plan.status == 416) {
      ctx.res.set_header("Content-Range", content_range(plan, size));
      throw http_error(416, "range_not_satisfiable",
                       "the range is not satisfiable for this video");
    }
    if (size > 0) {
      auto length = granted_length(*access, session_id, e, size, plan.first,
                                   plan.length);
      if (length < plan.length)
        plan = range_plan{206, plan.first, length};
    }
    ctx.res.status = plan.status;
    if (plan.status == 206)
      ctx.res.set_header("Content-Range", content_range(plan, size));
    ctx.res.set_header("ETag", "\"" + std::to_string(size) + "-"
                                 + std::to_string(mtime) + "\"");
    ctx.res.set_header("Last-Modified", http_date(mtime));
    ctx.res.set_header("Cache-Control", "private");
    send_file(ctx, std::move(file), plan.first, plan.length, e.mime_type,
              slots);
  });
  add_hls_routes(gw, access, slots);
}

} // namespace streamify::gateway
