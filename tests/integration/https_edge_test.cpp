#define CAF_SUITE https_edge

#include <atomic>
#include <memory>
#include <thread>

#include <caf/test/unit_test.hpp>

#include "tests/integration/session_support.hpp"
#include "tests/support/test_edge.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

test_node& edge_node() {
  static test_node node{shared_databases(),
                        {"--billing.minute-seconds=2",
                         "--streaming.heartbeat-interval=1",
                         "--streaming.idle-timeout=5",
                         "--http.trusted-proxies=127.0.0.1,::1"}};
  return node;
}

test_edge& edge() {
  static test_edge e{edge_node().port()};
  return e;
}

// A client of the edge's HTTPS port that trusts the test CA, or only the
// system's CAs.
std::unique_ptr<httplib::SSLClient> https_client(bool trust_ca = true) {
  auto c = std::make_unique<httplib::SSLClient>("localhost",
                                                edge().https_port());
  c->set_ca_cert_path(trust_ca ? edge().ca_file().c_str()
                               : "/etc/ssl/certs/ca-certificates.crt");
  c->enable_server_certificate_verification(true);
  c->set_connection_timeout(5);
  c->set_read_timeout(10);
  return c;
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

json body_of(const httplib::Result& r) {
  return json::parse(r->body, nullptr, false);
}

} // namespace

CAF_TEST(login over HTTPS with the CA answers with HSTS and a request id) {
  auto account = sign_up(edge_node());
  auto email = account["user"]["email"].get<std::string>();
  auto c = https_client();
  auto r = c->Post("/api/auth/login",
                  json{{"email", email}, {"password", "correct horse"}}.dump(),
                  "application/json");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 200);
  CAF_CHECK(body_of(r).contains("token"));
  CAF_CHECK(r->get_header_value("Strict-Transport-Security")
              .find("max-age=") != std::string::npos);
  CAF_CHECK(!r->get_header_value("X-Request-Id").empty());
  // A wrong password is the API's JSON error, through the edge as it is.
  r = c->Post("/api/auth/login",
             json{{"email", email}, {"password", "wrong horse"}}.dump(),
             "application/json");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 401);
  CAF_CHECK(r->has_header("Strict-Transport-Security"));
}

CAF_TEST(a client that does not trust the CA gets no connection) {
  auto r = https_client(false)->Get("/health");
  CAF_CHECK(!r);
  CAF_CHECK_EQUAL(r.error(), httplib::Error::SSLServerVerification);
}

CAF_TEST(plain HTTP redirects to HTTPS except the health checks) {
  httplib::Client plain{"127.0.0.1", edge().http_port()};
  auto r = plain.Get("/api/videos?limit=1");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 301);
  CAF_CHECK_EQUAL(r->get_header_value("Location"),
                  "https://127.0.0.1:" + std::to_string(edge().https_port())
                    + "/api/videos?limit=1");
  r = plain.Post("/api/auth/login", "{}", "application/json");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 301);
  r = plain.Get("/health");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 200);
}

CAF_TEST(metrics stay off the public port) {
  auto c = https_client();
  auto r = c->Get("/metrics");
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 404);
  auto body = body_of(r);
  CAF_CHECK_EQUAL(body["error"], "not_found");
  CAF_CHECK_EQUAL(edge_node().get("/metrics").status, 200);
}

CAF_TEST(the gateway sees the client the edge names and not one a client claims) {
  auto c = https_client();
  auto r = c->Get("/api/videos?limit=1&probe=spoofed",
                 {{"X-Forwarded-For", "198.51.100.77"}});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 200);
  // Straight to the gateway from a trusted address the header counts.
  auto direct = edge_node().send("GET", "/api/videos?limit=1&probe=named", "",
                                 "", {{"X-Forwarded-For", "198.51.100.78"}});
  CAF_CHECK_EQUAL(direct.status, 200);
  sleep_ms(300); // the access log is written after the response
  auto log = edge_node().log();
  CAF_CHECK(log.find("198.51.100.77") == std::string::npos);
  CAF_CHECK(log.find("198.51.100.78") != std::string::npos);
}

CAF_TEST(a session heartbeats and streams over HTTPS through a certificate reload) {
  auto w = start_watching(edge_node(), 10, 1000);
  auto c = https_client();
  c->set_keep_alive(true);
  auto headers = bearer(w.viewer);
  auto range = c->Get(w.stream_url, {{"Range", "bytes=0-1023"}});
  CAF_REQUIRE(range);
  CAF_CHECK_EQUAL(range->status, 206);
  CAF_CHECK_EQUAL(range->body.size(), 1024u);

  auto before = edge().served_serial();
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0}, retried{0};
  std::thread player([&] {
    auto hb = https_client();
    hb->set_keep_alive(true);
    double position = 0;
    while (!done) {
      auto body = json{{"position_s", position}, {"playing", true}}.dump();
      auto path = "/api/sessions/" + w.session + "/heartbeat";
      auto r = hb->Post(path, headers, body, "application/json");
      // A keep-alive connection the old workers close as the request goes
      // out fails without an answer; like a browser, send it again once on
      // a new connection.
      if (!r) {
        ++retried;
        r = hb->Post(path, headers, body, "application/json");
      }
      if (r && r->status == 200 && body_of(r)["state"] == "active")
        ++ok;
      else
        ++failed;
      position += 0.25;
      sleep_ms(250);
    }
  });
  sleep_ms(1000);
  edge().renew_certificate();
  sleep_ms(1500);
  auto after = edge().served_serial();
  done = true;
  player.join();
  CAF_CHECK(!before.empty());
  CAF_CHECK_NOT_EQUAL(before, after);
  CAF_CHECK_EQUAL(failed.load(), 0);
  CAF_CHECK_LESS_OR_EQUAL(retried.load(), 1);
  CAF_CHECK_GREATER(ok.load(), 5);
  // The session is live and charged through the reload (a new connection:
  // the old workers closed their idle ones).
  auto s = https_client()->Get("/api/sessions/" + w.session, headers);
  CAF_REQUIRE(s);
  auto session = body_of(s);
  CAF_CHECK_EQUAL(session["state"], "active");
  CAF_CHECK_GREATER_OR_EQUAL(session["minutes_paid"].get<int64_t>(), 1);
}

CAF_TEST(the edge refuses to start with a key that is not the certificate) {
  auto dir = edge().dir() + "/tls";
  auto out = command_output("'" + std::string{STREAMIFY_SOURCE_DIR}
                            + "/deploy/edge/nginx-conf' /tmp 127.0.0.1:1 '"
                            + dir + "/localhost.pem' '" + dir
                            + "/ca.key' 2>&1; echo \"exit $?\"");
  CAF_CHECK(out.find("does not match certificate") != std::string::npos);
  CAF_CHECK(out.find("exit 2") != std::string::npos);
  out = command_output("'" + std::string{STREAMIFY_SOURCE_DIR}
                       + "/deploy/edge/nginx-conf' /tmp 127.0.0.1:1 '" + dir
                       + "/missing.pem' '" + dir + "/ca.key' 2>&1; echo \"exit $?\"");
  CAF_CHECK(out.find("missing or unreadable") != std::string::npos);
}
