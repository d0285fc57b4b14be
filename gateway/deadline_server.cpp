#include "gateway/deadline_server.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace streamify::gateway {

namespace {

using steady = std::chrono::steady_clock;

thread_local bool close_requested = false;
thread_local bool drain_requested = false;

bool wait_for(socket_t sock, short events, std::chrono::milliseconds timeout) {
  pollfd pfd{sock, events, 0};
  int rc;
  do {
    rc = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

void address_of(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(sock, sa, &len) : ::getsockname(sock, sa, &len)) != 0)
    return;
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (::getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV)
      == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

// A buffered socket stream whose reads fail once the header deadline passes,
// until `headers_done` lifts it for the rest of the request.
class deadline_stream final : public httplib::Stream {
public:
  deadline_stream(socket_t sock, std::chrono::milliseconds read_timeout,
                  std::chrono::milliseconds write_timeout)
    : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {
  }

  void start_request(steady::time_point deadline) {
    deadline_ = deadline;
    awaiting_headers_ = true;
    missed_deadline_ = false;
  }
  void headers_done() { awaiting_headers_ = false; }
  bool missed_deadline() const { return missed_deadline_; }
  bool has_buffered() const { return pos_ < len_; }

  bool is_readable() const override {
    return has_buffered() || wait_for(sock_, POLLIN, read_timeout_);
  }

  bool is_writable() const override {
    return wait_for(sock_, POLLOUT, write_timeout_);
  }

  ssize_t read(char* ptr, size_t size) override {
    if (!has_buffered()) {
      auto timeout = read_timeout_;
      if (awaiting_headers_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - steady::now());
        timeout = std::min(timeout, left);
      }
      if (!wait_for(sock_, POLLIN, timeout)) {
        missed_deadline_ = awaiting_headers_ && steady::now() >= deadline_;
        return -1;
      }
      ssize_t n;
      do {
        n = ::recv(sock_, buf_.data(), buf_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0)
        return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    auto n = std::min(size, len_ - pos_);
    std::copy_n(buf_.data() + pos_, n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  // Non-blocking: a blocking send of a large buffer would wait forever for
  // a reader that stopped reading. httplib writes the rest again.
  ssize_t write(const char* ptr, size_t size) override {
    for (;;) {
      auto n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if ((errno != EAGAIN && errno != EWOULDBLOCK) || !is_writable())
        return -1;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(sock_, true, ip, port);
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(sock_, false, ip, port);
  }

  socket_t socket() const override { return sock_; }

private:
  socket_t sock_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  steady::time_point deadline_;
  bool awaiting_headers_ = true;
  bool missed_deadline_ = false;
  std::array<char, 4096> buf_{};
  size_t pos_ = 0;
  size_t len_ = 0;
};

std::chrono::milliseconds to_ms(time_t sec, time_t usec) {
  return std::chrono::milliseconds(sec * 1000 + usec / 1000);
}

// httplib's thread pool, counting the connections that wait for a thread.
class counting_pool final : public httplib::TaskQueue {
public:
  counting_pool(size_t threads, std::atomic<int>& waiting,
                std::atomic<int>& busy)
    : pool_(threads), waiting_(waiting), busy_(busy) {
  }

  void enqueue(std::function<void()> fn) override {
    ++waiting_;
    pool_.enqueue([this, fn = std::move(fn)] {
      ++busy_;
      --waiting_;
      fn();
      --busy_;
    });
  }

  void shutdown() override { pool_.shutdown(); }

private:
  httplib::ThreadPool pool_;
  std::atomic<int>& waiting_;
  std::atomic<int>& busy_;
};

} // namespace

deadline_server::deadline_server(std::chrono::seconds header_timeout,
                                 size_t threads)
  : header_timeout_(header_timeout), threads_(static_cast<int>(threads)) {
  new_task_queue = [this, threads] {
    return new counting_pool(threads, waiting_, busy_);
  };
}

bool deadline_server::pool_full() const {
  return waiting_ > 0 && busy_ >= threads_;
}

void deadline_server::close_after_response(bool drain) {
  close_requested = true;
  drain_requested = drain;
}

// Like nginx's lingering close: stop writing, then read and discard what the
// client is still sending for a short while, so a client that is mid-body
// reads our answer (a 413, say) instead of a connection reset.
void deadline_server::linger_and_close(socket_t sock) {
  ::shutdown(sock, SHUT_WR);
  auto until = steady::now() + std::chrono::seconds(2);
  size_t drained = 0;
  char buf[16384];
  while (drained < (size_t{64} << 20) && steady::now() < until) {
    if (!wait_for(sock, POLLIN, std::chrono::milliseconds(500)))
      break;
    auto n = ::recv(sock, buf, sizeof(buf), 0);
    if (n <= 0)
      break;
    drained += static_cast<size_t>(n);
  }
  ::close(sock);
}

void deadline_server::widen_backlog(int backlog) {
  if (svr_sock_ != INVALID_SOCKET)
    ::listen(svr_sock_, backlog);
}

bool deadline_server::wait_for_request(socket_t sock,
                                       std::chrono::seconds idle,
                                       bool keep_alive) const {
  // Wake up now and then so a stopping server closes idle keep-alives, and
  // so does a pool with connections waiting for a thread.
  auto until = steady::now() + idle;
  while (svr_sock_ != INVALID_SOCKET) {
    if (keep_alive && pool_full())
      return wait_for(sock, POLLIN, std::chrono::milliseconds(0));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - steady::now());
    if (left.count() <= 0)
      return false;
    if (wait_for(sock, POLLIN, std::min(left, std::chrono::milliseconds(200))))
      return true;
  }
  return false;
}

bool deadline_server::process_and_close_socket(socket_t sock) {
  deadline_stream strm{sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                       to_ms(write_timeout_sec_, write_timeout_usec_)};
  bool ret = false;
  for (auto left = keep_alive_max_count_; left > 0; --left) {
    // A new connection gets the header timeout to send its first request
    // (its data may still be in retransmission); later ones the keep-alive.
    bool first = left == keep_alive_max_count_;
    auto idle = first ? header_timeout_
                      : std::chrono::seconds(keep_alive_timeout_sec_);
    if (!strm.has_buffered() && !wait_for_request(sock, idle, !first))
      break;
    strm.start_request(steady::now() + header_timeout_);
    bool connection_closed = false;
    ret = process_request(strm, left == 1, connection_closed,
                          [&strm](httplib::Request&) { strm.headers_done(); });
    if (strm.missed_deadline())
      ++slow_closed_;
    if (close_requested) {
      close_requested = false;
      if (!drain_requested)
        break;
      linger_and_close(sock);
      return ret;
    }
    if (!ret || connection_closed)
      break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

} // namespace streamify::gateway
