#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
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
#include "gateway/http_gateway.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::streaming;

constexpr int64_t max_response_bytes = int64_t{8} << 20;
constexpr size_t read_chunk = 64 << 10;
// Entitlement is re-read from the streaming role this often at most, so a
// player's consecutive ranges do not each cost a round trip; a 402 or 410
// takes effect within this delay.
constexpr auto entitlement_ttl = std::chrono::seconds(2);
constexpr size_t max_cached_sessions = 10000;

// What the stream endpoint needs to know of one session.
struct entitlement {
  std::string viewer_id;
  std::string state;
  std::string file_path;
  std::string mime_type;
  std::chrono::steady_clock::time_point fetched;
};

class entitlement_cache {
public:
  template <class Fetch>
  entitlement get(const std::string& session_id, Fetch fetch) {
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (auto i = entries_.find(session_id);
          i != entries_.end() && now - i->second.fetched < entitlement_ttl)
        return i->second;
    }
    auto e = fetch();
    e.fetched = now;
    std::lock_guard<std::mutex> guard{mtx_};
    if (entries_.size() >= max_cached_sessions)
      drop_expired(now);
    entries_[session_id] = e;
    return e;
  }

private:
  void drop_expired(std::chrono::steady_clock::time_point now) {
    for (auto i = entries_.begin(); i != entries_.end();)
      i = now - i->second.fetched >= entitlement_ttl ? entries_.erase(i)
                                                      : std::next(i);
    if (entries_.size() >= max_cached_sessions)
      entries_.clear();
  }

  std::mutex mtx_;
  std::unordered_map<std::string, entitlement> entries_;
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
           const struct stat& info, const entitlement& e) {
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
  auto first = plan.first;
  ctx.res.set_content_provider(
    static_cast<size_t>(plan.length), e.mime_type,
    [file, first](size_t offset, size_t length, httplib::DataSink& sink) {
      std::vector<char> buf(std::min(length, read_chunk));
      auto n = ::pread(file->fd, buf.data(), buf.size(),
                       static_cast<off_t>(first + static_cast<int64_t>(offset)));
      if (n <= 0)
        return false;
      return sink.write(buf.data(), static_cast<size_t>(n));
    });
}

} // namespace

void add_stream_routes(http_gateway& gw) {
  auto streaming = [&gw] { return gw.roles().get<streaming_actor>("streaming"); };
  auto catalog = [&gw] {
    return gw.roles().get<catalog::catalog_actor>("catalog");
  };
  auto timeout = gw.settings().request_timeout;
  auto videos_dir = catalog::storage_under(gw.settings().data_dir).videos_dir;
  auto cache = std::make_shared<entitlement_cache>();
  gw.route("GET", "/api/sessions/{id}/stream", [&gw, streaming, catalog,
                                                timeout, videos_dir,
                                                cache](request_context& ctx) {
    // httplib 0.11 would apply the Range header again to whatever this
    // handler answers (slicing error bodies, ignoring our clamping): the
    // range is planned here, so the library must see none. The request
    // object is the server's own mutable one.
    const_cast<httplib::Request&>(ctx.req).ranges.clear();
    std::string session_id = ctx.req.matches[1];
    auto e = cache->get(session_id, [&] {
      auto s = ask<session_view>(gw.system(), streaming(), timeout,
                                 get_session_atom::value, session_id);
      auto v = ask<catalog::video_info>(gw.system(), catalog(), timeout,
                                        catalog::get_video_atom::value,
                                        s.video_id);
      return entitlement{s.viewer_id, s.state, videos_dir + "/" + v.file_name,
                         v.mime_type, {}};
    });
    authorize(ctx, session_id, e);
    check_state(e);
    auto file = std::make_shared<file_handle>();
    file->fd = ::open(e.file_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (file->fd < 0 || ::fstat(file->fd, &info) != 0)
      throw http_error(404, "video_unavailable",
                       "the video's file is not available");
    serve(ctx, std::move(file), info, e);
  });
}

} // namespace streamify::gateway
