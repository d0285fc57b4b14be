#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/http_error.hpp"
#include "gateway/http_gateway.hpp"

// Sending media files from the HTTP threads with flat memory: an open file
// read 64 KiB at a time by a content provider, and a bound on how many such
// responses may be in flight.
namespace streamify::gateway {

// Media responses in flight, at most `limit`: the HTTP threads beyond it
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

int stream_limit(const gateway_settings& s);

struct file_handle {
  int fd = -1;
  ~file_handle();
};

// The open file at `path` and its size; nullptr when it cannot be opened.
std::shared_ptr<file_handle> open_file(const std::string& path, int64_t& size,
                                       int64_t& mtime_s);

std::string http_date(int64_t t);

// Answers bytes [first, first + length) of the file with the response's
// status and headers as they are, or 503 when every slot is taken.
void send_file(request_context& ctx, std::shared_ptr<file_handle> file,
               int64_t first, int64_t length, const std::string& mime_type,
               const std::shared_ptr<stream_slots>& slots);

} // namespace streamify::gateway
