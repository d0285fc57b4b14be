// 200 connections that ask for video and then read very slowly or not at
// all, while another viewer's heartbeats are answered within their normal
// timeout; afterwards the node serves again. The node's pool is small (24
// threads, 18 of them for video) so the reserve for the API is what keeps
// heartbeats going, not a pool larger than the readers.
#define CAF_SUITE slow_readers

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr int readers = 200;
constexpr int stream_threads = 18;
constexpr int write_timeout_s = 2;
constexpr int heartbeat_interval_s = 5;

struct reader {
  int fd = -1;
  std::string head; // the first bytes of the answer
  size_t received = 0;
};

// A connection with a tiny receive window that asks for the whole video.
reader open_reader(int port, const std::string& url) {
  reader r;
  r.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int small = 4096;
  ::setsockopt(r.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(
    ::connect(r.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  auto request = "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 + "Range: bytes=0-\r\n\r\n";
  CAF_REQUIRE_EQUAL(::send(r.fd, request.data(), request.size(), MSG_NOSIGNAL),
                    static_cast<ssize_t>(request.size()));
  return r;
}

// Reads at most `limit` bytes; false once the server has closed.
bool read_some(reader& r, size_t limit, std::chrono::milliseconds wait) {
  pollfd pfd{r.fd, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(wait.count())) <= 0)
    return true;
  char buf[4096];
  auto n = ::recv(r.fd, buf, std::min(limit, sizeof(buf)), MSG_DONTWAIT);
  if (n <= 0)
    return false;
  if (r.head.size() < 12)
    r.head.append(buf, std::min<size_t>(static_cast<size_t>(n), 12 - r.head.size()));
  r.received += static_cast<size_t>(n);
  return true;
}

int heartbeat_within(test_node& node, const watching& w, int position) {
  httplib::Client cli{"127.0.0.1", node.port()};
  cli.set_connection_timeout(heartbeat_interval_s);
  cli.set_read_timeout(heartbeat_interval_s);
  cli.set_write_timeout(heartbeat_interval_s);
  auto body = nlohmann::json{{"position_s", position}, {"playing", true}};
  auto res = cli.Post(("/api/sessions/" + w.session + "/heartbeat").c_str(),
                      {{"Authorization", "Bearer " + w.viewer}}, body.dump(),
                      "application/json");
  return res ? res->status : 0;
}

} // namespace

CAF_TEST(slow readers neither starve heartbeats nor keep their threads) {
  test_databases dbs;
  test_node node{dbs,
                 {"--http.threads=24",
                  "--http.stream-threads=" + std::to_string(stream_threads),
                  "--http.write-timeout=" + std::to_string(write_timeout_s),
                  "--streaming.heartbeat-interval="
                    + std::to_string(heartbeat_interval_s),
                  "--streaming.idle-timeout=60"}};
  if (!money_and_videos(node))
    return;
  auto creator = token_of(sign_up(node, "creator"));
  auto video = upload(node, creator, 10, large_video());
  auto player = watch(node, video, 1'000);
  auto other = watch(node, video, 1'000);

  std::vector<reader> conns;
  for (int i = 0; i < readers; ++i)
    conns.push_back(open_reader(node.port(), player.stream_url));
  // Even connections read 256 bytes every 50 ms; odd ones never read.
  std::atomic<bool> reading{true};
  std::thread slow{[&] {
    while (reading) {
      for (size_t i = 0; i < conns.size(); i += 2)
        read_some(conns[i], 256, 0ms);
      std::this_thread::sleep_for(50ms);
    }
  }};
  auto until = steady::now() + std::chrono::seconds(3 * write_timeout_s);
  int beats = 0;
  for (int position = 0; steady::now() < until; ++position, ++beats) {
    CAF_CHECK_EQUAL(heartbeat_within(node, other, position), 200);
    std::this_thread::sleep_for(250ms);
  }
  reading = false;
  slow.join();
  CAF_CHECK_GREATER(beats, 10);

  // The server gave up on readers that took nothing for the write timeout:
  // what they can still read ends well before the 8 MiB they were sent.
  int served = 0;
  int busy = 0;
  for (size_t i = 1; i < conns.size(); i += 2) {
    auto deadline = steady::now() + 10s;
    bool open = true;
    while (open && steady::now() < deadline)
      open = read_some(conns[i], 4096, 100ms);
    CAF_REQUIRE(!open);
    served += conns[i].head == "HTTP/1.1 206" ? 1 : 0;
    busy += conns[i].head == "HTTP/1.1 503" ? 1 : 0;
    if (conns[i].head == "HTTP/1.1 206")
      CAF_CHECK_LESS(conns[i].received, size_t{8} << 20);
  }
  for (size_t i = 0; i < conns.size(); i += 2) {
    served += conns[i].head == "HTTP/1.1 206" ? 1 : 0;
    busy += conns[i].head == "HTTP/1.1 503" ? 1 : 0;
  }
  CAF_MESSAGE(served << " readers got video, " << busy << " got 503");
  CAF_CHECK_GREATER(served, 0);
  CAF_CHECK_LESS_OR_EQUAL(served, stream_threads);
  CAF_CHECK_EQUAL(served + busy, readers);
  for (auto& c : conns)
    ::close(c.fd);

  // Healthy again: video and heartbeats are served.
  auto deadline = steady::now() + 10s;
  httplib::Headers range{{"Range", "bytes=0-99"}};
  while (node.send("GET", player.stream_url, "", "", range).status != 206) {
    CAF_REQUIRE(steady::now() < deadline);
    std::this_thread::sleep_for(100ms);
  }
  CAF_CHECK_EQUAL(node.get("/health/ready").status, 200);
  CAF_CHECK_EQUAL(heartbeat_within(node, other, 100), 200);
}
