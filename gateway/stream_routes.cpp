#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/actor_system.hpp>

#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/streaming/messages.hpp"
#include "actors/streaming/stream_token.hpp"
#include "gateway/ask.hpp"
#include "gateway/byte_range.hpp"
#include "gateway/entitlement_receiver.hpp"
#include "gateway/http_gateway.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::streaming;

constexpr int64_t max_response_bytes = int64_t{8} << 20;
constexpr size_t read_chunk = 64 << 10;

// Stream responses in flight, at most `limit`: the HTTP threads beyond it
// stay free for the API (heartbeats) whatever players do.
class stream_slots {
public:
  explicit stream_slots(int limit) : limit_(limit) {
  }

  bool take() {
    if (++used_ <= limit_)
      return true;
    --used_;
    return false;
  }
  void give_back() { --used_; }

private:
  int limit_;
  std::atomic<int> used_{0};
};

struct file_handle {
  int fd = -1;
  ~file_handle() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::string http_date(time_t t) {
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  auto n = strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

// The session's viewer, by stream token or Bearer token: 401 or 403.
void authorize(const request_context& ctx, const std::string& session_id,
               const entitlement& e) {
  if (ctx.req.has_param("st")) {
    if (!verify_stream_token(ctx.req.get_param_value("st"), session_id,
                             e.viewer_id, ctx.now_s, ctx.jwt_secret))
      throw http_error(401, "invalid_token",
                       "the stream token is invalid or expired");
    return;
  }
  if (ctx.user().sub != e.viewer_id)
    throw http_error(403, "not_your_session",
                     "only the session's viewer may stream it");
}

void check_state(const entitlement& e) {
  if (e.state == "payment_required")
    throw http_error(402, "payment_required",
                     "deposit funds to continue watching");
  if (e.state == "ended")
    throw http_error(410, "session_ended", "the session has ended");
}

// Serves plan's bytes of the open file through a content provider that
// reads 64 KiB at a time: memory stays flat whatever the file's size.
void serve(request_context& ctx, std::shared_ptr<file_handle> file,
           const struct stat& info, const entitlement& e,
           const std::shared_ptr<stream_slots>& slots) {
  auto size = static_cast<int64_t>(info.st_size);
  auto plan = plan_range(ctx.req.get_header_value("Range"), size,
                         max_response_bytes);
  ctx.res.set_header("Accept-Ranges", "bytes");
  if (plan.status == 416) {
    ctx.res.set_header("Content-Range", content_range(plan, size));
    throw http_error(416, "range_not_satisfiable",
                     "the range is not satisfiable for this video");
  }
  ctx.res.status = plan.status;
  if (plan.status == 206)
    ctx.res.set_header("Content-Range", content_range(plan, size));
  ctx.res.set_header("ETag", "\"" + std::to_string(info.st_size) + "-"
                               + std::to_string(info.st_mtime) + "\"");
  ctx.res.set_header("Last-Modified", http_date(info.st_mtime));
  if (!slots->take()) {
    ctx.res.set_header("Connection", "close");
    deadline_server::close_after_response(false);
    throw http_error(503, "streams_busy",
                     "too many videos are being sent, try again shortly", 1);
  }
  auto first = plan.first;
  auto buf = std::make_shared<std::vector<char>>(
    static_cast<size_t>(std::min<int64_t>(plan.length, read_chunk)));
  ctx.res.set_content_provider(
    static_cast<size_t>(plan.length), e.mime_type,
    [file, first, buf](size_t offset, size_t length, httplib::DataSink& sink) {
      auto n = ::pread(file->fd, buf->data(), std::min(length, buf->size()),
                       static_cast<off_t>(first + static_cast<int64_t>(offset)));
      if (n <= 0)
        return false;
      return sink.write(buf->data(), static_cast<size_t>(n));
    },
    [slots](bool) { slots->give_back(); });
}

int stream_limit(const gateway_settings& s) {
  return s.stream_threads > 0 ? s.stream_threads
                              : std::max(1, s.threads * 3 / 4);
}

} // namespace

void add_stream_routes(http_gateway& gw) {
  auto streaming = [&gw] { return gw.roles().get<streaming_actor>("streaming"); };
  auto catalog = [&gw] {
    return gw.roles().get<catalog::catalog_actor>("catalog");
  };
  auto timeout = gw.settings().request_timeout;
  auto videos_dir = catalog::storage_under(gw.settings().data_dir).videos_dir;
  auto cache = gw.entitlements();
  auto pushes = std::make_shared<entitlement_subscription>(gw.system(), cache);
  pushes->subscribe_to(streaming());
  auto slots = std::make_shared<stream_slots>(stream_limit(gw.settings()));
  gw.route("GET", "/api/sessions/{id}/stream", [&gw, streaming, catalog,
                                                timeout, videos_dir, cache,
                                                pushes,
                                                slots](request_context& ctx) {
    // httplib 0.11 would apply the Range header again to whatever this
    // handler answers (slicing error bodies, ignoring our clamping): the
    // range is planned here, so the library must see none. The request
    // object is the server's own mutable one.
    const_cast<httplib::Request&>(ctx.req).ranges.clear();
    std::string session_id = ctx.req.matches[1];
    auto now = std::chrono::steady_clock::now();
    auto e = cache->find(session_id, now);
    if (!e) {
      auto role = streaming();
      pushes->subscribe_to(role);
      auto s = ask<session_view>(gw.system(), role, timeout,
                                 get_session_atom::value, session_id);
      auto v = ask<catalog::video_info>(gw.system(), catalog(), timeout,
                                        catalog::get_video_atom::value,
                                        s.video_id);
      e = entitlement{s.viewer_id, s.state, s.minutes_paid,
                      videos_dir + "/" + v.file_name, v.mime_type};
      cache->store(session_id, *e, now);
    }
    authorize(ctx, session_id, *e);
    check_state(*e);
    auto file = std::make_shared<file_handle>();
    file->fd = ::open(e->file_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (file->fd < 0 || ::fstat(file->fd, &info) != 0)
      throw http_error(404, "video_unavailable",
                       "the video's file is not available");
    serve(ctx, std::move(file), info, *e, slots);
  });
}

} // namespace streamify::gateway
