#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <httplib.h>

namespace streamify::gateway {

// httplib's server with its own connection loop: each request must deliver
// its complete headers within `header_timeout` of the moment it starts
// (slowloris, one byte a second, is cut off), while bodies and keep-alive
// follow httplib's usual timeouts. A write that makes no progress for the
// write timeout fails (a stalled reader frees its thread), and an idle
// keep-alive connection gives its thread up as soon as another connection
// waits for one (httplib serves each connection on one pool thread).
class deadline_server : public httplib::Server {
public:
  deadline_server(std::chrono::seconds header_timeout, size_t threads);

  uint64_t slow_headers_closed() const { return slow_closed_.load(); }
  // Every pool thread serves a connection and more connections wait.
  bool pool_full() const;

  // httplib 0.11 listens with a backlog of 5: a burst of connections then
  // overflows the accept queue and clients stall in SYN retransmits. Call
  // after binding.
  void widen_backlog(int backlog);

  // Called by a handler on this connection's thread: close the connection
  // after the response. `drain`: read and discard what the client still
  // sends for a moment first (its unread body makes it unusable).
  static void close_after_response(bool drain = true);

protected:
  bool process_and_close_socket(socket_t sock) override;

private:
  // False when no request starts within `idle`; a `keep_alive` wait also
  // ends as soon as another connection waits for a thread.
  bool wait_for_request(socket_t sock, std::chrono::seconds idle,
                        bool keep_alive) const;
  static void linger_and_close(socket_t sock);

  std::chrono::seconds header_timeout_;
  std::atomic<uint64_t> slow_closed_{0};
  int threads_;
  std::atomic<int> waiting_{0}; // accepted, not yet on a thread
  std::atomic<int> busy_{0};    // on a thread
};

} // namespace streamify::gateway
