#include "gateway/file_response.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace streamify::gateway {

namespace {

constexpr size_t read_chunk = 64 << 10;

} // namespace

int stream_limit(const gateway_settings& s) {
  return s.stream_threads > 0 ? s.stream_threads
                              : std::max(1, s.threads * 3 / 4);
}

file_handle::~file_handle() {
  if (fd >= 0)
    ::close(fd);
}

std::shared_ptr<file_handle> open_file(const std::string& path, int64_t& size,
                                       int64_t& mtime_s) {
  auto file = std::make_shared<file_handle>();
  file->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (file->fd < 0 || ::fstat(file->fd, &info) != 0 || !S_ISREG(info.st_mode))
    return nullptr;
  size = static_cast<int64_t>(info.st_size);
  mtime_s = static_cast<int64_t>(info.st_mtime);
  return file;
}

std::string http_date(int64_t t) {
  struct tm tm {};
  auto tt = static_cast<time_t>(t);
  gmtime_r(&tt, &tm);
  char buf[64];
  auto n = strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

void send_file(request_context& ctx, std::shared_ptr<file_handle> file,
               int64_t first, int64_t length, const std::string& mime_type,
               const std::shared_ptr<stream_slots>& slots) {
  if (!slots->take()) {
    ctx.res.set_header("Connection", "close");
    deadline_server::close_after_response(false);
    throw http_error(503, "streams_busy",
                     "too many videos are being sent, try again shortly", 1);
  }
  auto buf = std::make_shared<std::vector<char>>(
    static_cast<size_t>(std::clamp<int64_t>(length, 1, read_chunk)));
  ctx.res.set_content_provider(
    static_cast<size_t>(length), mime_type,
    [file, first, buf](size_t offset, size_t length, httplib::DataSink& sink) {
      auto n = ::pread(file->fd, buf->data(), std::min(length, buf->size()),
                       static_cast<off_t>(first + static_cast<int64_t>(offset)));
      if (n <= 0)
        return false;
      return sink.write(buf->data(), static_cast<size_t>(n));
    },
    [slots](bool) { slots->give_back(); });
}

} // namespace streamify::gateway
