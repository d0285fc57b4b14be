#define CAF_SUITE gateway

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/test/unit_test.hpp>

#include "tests/integration/shared_node.hpp"

using namespace streamify::test;
using nlohmann::json;

CAF_TEST(malformed json is 400 with the error shape) {
  auto& node = shared_node();
  auto r = node.send("POST", "/api/auth/login", "{\"email\": ", "application/json",
                     {});
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(r.body["error"], "malformed_json");
  CAF_CHECK(r.body["message"].is_string());
  CAF_CHECK_EQUAL(r.body["request_id"], r.header("X-Request-Id"));
  auto arr = node.send("POST", "/api/auth/login", "[1,2]", "application/json", {});
  CAF_CHECK_EQUAL(arr.status, 400);
  auto bad_utf8 = node.send("POST", "/api/auth/login",
                            "{\"email\":\"\xff\xfe\",\"password\":\"x\"}",
                            "application/json", {});
  CAF_CHECK_EQUAL(bad_utf8.status, 400);
}

CAF_TEST(a body over the JSON limit is 413 before it is read) {
  auto& node = shared_node();
  std::string big(2 * 1024 * 1024, 'x');
  auto r = node.send("POST", "/api/auth/register", big, "application/json", {});
  CAF_CHECK_EQUAL(r.status, 413);
  CAF_CHECK_EQUAL(r.body["error"], "payload_too_large");
}

CAF_TEST(unknown routes are 404 json and security headers are set) {
  auto& node = shared_node();
  auto r = node.get("/api/no/such/thing");
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(r.body["error"], "not_found");
  CAF_CHECK_EQUAL(r.header("X-Content-Type-Options"), "nosniff");
  CAF_CHECK(r.header("Content-Security-Policy").find("script-src 'self'")
            != std::string::npos);
  CAF_CHECK(!r.header("Referrer-Policy").empty());
  CAF_CHECK(r.header("Access-Control-Allow-Origin").empty());
}

CAF_TEST(the openapi document is served publicly as json) {
  auto& node = shared_node();
  auto r = node.get("/api/openapi.json");
  CAF_REQUIRE_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "application/json");
  CAF_CHECK_EQUAL(r.body["openapi"], "3.1.0");
  CAF_CHECK(r.body["paths"].contains("/api/wallet/deposits"));
  CAF_CHECK(r.body["paths"].contains("/api/openapi.json"));
}

CAF_TEST(health ready and metrics by route pattern) {
  auto& node = shared_node();
  CAF_CHECK_EQUAL(node.get("/health").status, 200);
  auto ready = node.get("/health/ready");
  CAF_CHECK_EQUAL(ready.status, 200);
  CAF_CHECK_EQUAL(ready.body["roles"]["auth"]["ready"], true);
  node.get("/api/auth/me");
  auto m = node.get("/metrics");
  CAF_REQUIRE_EQUAL(m.status, 200);
  CAF_CHECK(m.raw.find("streamify_http_requests_total{route=\"/api/auth/me\","
                       "method=\"GET\",status=\"401\"}")
            != std::string::npos);
  CAF_CHECK(m.raw.find("streamify_http_request_duration_seconds_bucket") != std::string::npos);
  CAF_CHECK(m.raw.find("streamify_role_up{role=\"auth\"} 1") != std::string::npos);
}

CAF_TEST(the app is served at the root) {
  auto& node = shared_node();
  auto r = node.get("/");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(r.raw.find("<html") != std::string::npos);
}

CAF_TEST(requests over the rate get 429 with retry-after) {
  test_databases dbs;
  test_node node{dbs, {"--http.rate-limit=1", "--http.rate-burst=3"}};
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 6; ++i) {
    auto r = node.get("/api/auth/me");
    if (r.status == 429) {
      ++limited;
      retry_after = r.header("Retry-After");
      CAF_CHECK_EQUAL(r.body["error"], "rate_limited");
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(limited, 2);
  CAF_CHECK(!retry_after.empty());
  // Health probes are never limited.
  CAF_CHECK_EQUAL(node.get("/health").status, 200);
}

CAF_TEST(a client dribbling its headers is cut off and a drained node exits 0) {
  test_databases dbs;
  test_node node{dbs, {"--http.header-timeout=2"}};
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(node.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::string partial = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (size_t i = 0; i < partial.size() + 20 && !closed; ++i) {
    char c = i < partial.size() ? partial[i] : 'a';
    if (::send(fd, &c, 1, MSG_NOSIGNAL) < 0)
      closed = true;
    timeval tv{0, 500000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[256];
    auto n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0)
      closed = true;
  }
  ::close(fd);
  auto waited = std::chrono::steady_clock::now() - start;
  CAF_CHECK(closed);
  CAF_CHECK(waited < std::chrono::seconds(8));
  CAF_CHECK_EQUAL(node.get("/health").status, 200);
  CAF_CHECK_EQUAL(node.stop(), 0);
  CAF_CHECK(node.log().find("node stopped") != std::string::npos);
}
