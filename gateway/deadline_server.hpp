#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <httplib.h>

namespace streamify::gateway {

// httplib's server with its own connection loop: each request must deliver
// its complete headers within `header_timeout` of the moment it starts
// (slowloris, one byte a second, is cut off), while bodies and keep-alive
// follow httplib's usual timeouts.
class deadline_server : public httplib::Server {
public:
  explicit deadline_server(std::chrono::seconds header_timeout)
    : header_timeout_(header_timeout) {
  }

  uint64_t slow_headers_closed() const { return slow_closed_.load(); }

  // httplib 0.11 listens with a backlog of 5: a burst of connections then
  // overflows the accept queue and clients stall in SYN retransmits. Call
  // after binding.
  void widen_backlog(int backlog);

  // Called by a handler on this connection's thread: close the connection
  // after the response (its unread body makes it unusable).
  static void close_after_response();

protected:
  bool process_and_close_socket(socket_t sock) override;

private:
  bool wait_for_request(socket_t sock, std::chrono::seconds idle) const;
  static void linger_and_close(socket_t sock);

  std::chrono::seconds header_timeout_;
  std::atomic<uint64_t> slow_closed_{0};
};

} // namespace streamify::gateway
