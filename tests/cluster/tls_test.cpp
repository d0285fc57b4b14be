// Node links over CAF's OpenSSL module (cluster.tls) with certificates that
// deploy/tls/make-certs makes at test time: a TLS cluster serves viewers and
// keeps every link through 25 s of traffic and connections that fail their
// handshake; a node with another CA's certificate, or without TLS, never gets
// into the cluster, in either direction.
#define CAF_SUITE tls_links

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/test/unit_test.hpp>

#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int64_t price = 10;

// A private CA in `dir` with a certificate for each node name.
std::string make_certs(const std::string& dir,
                       const std::vector<std::string>& nodes) {
  auto cmd = std::string{"'" STREAMIFY_SOURCE_DIR "/deploy/tls/make-certs' '"}
             + dir + "'";
  for (const auto& n : nodes)
    cmd += " " + n;
  cmd += " >/dev/null";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("deploy/tls/make-certs failed");
  return dir;
}

// A node's TLS options: its certificate and key from `dir`, the CA it
// trusts from `ca_dir`.
std::vector<std::string> tls_args(const std::string& dir,
                                  const std::string& node,
                                  const std::string& ca_dir) {
  return {"--cluster.tls", "--openssl.cafile=" + ca_dir + "/ca.pem",
          "--openssl.certificate=" + dir + "/" + node + ".pem",
          "--openssl.key=" + dir + "/" + node + ".key"};
}

// The cluster's CA with one certificate per node, and a CA of the same shape
// the cluster does not know, in a folder removed at the end.
struct cert_dirs {
  std::string root = std::filesystem::temp_directory_path()
                     / ("streamify-tls-" + std::to_string(::getpid()));
  std::string cluster;
  std::string rogue;
  cert_dirs() {
    auto nodes = cluster_roles();
    nodes.push_back("gateway");
    cluster = make_certs(root + "/cluster", nodes);
    rogue = make_certs(root + "/rogue", nodes);
  }
  ~cert_dirs() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  // Each node's certificate is the one made for its name.
  cluster_layout layout() const {
    cluster_layout out;
    out.extra_args = {"--billing.minute-seconds=2",
                      "--streaming.heartbeat-interval=1",
                      "--streaming.idle-timeout=20",
                      "--cluster.retry-max-ms=500"};
    out.node_args = [dir = cluster](const std::string& name) {
      return tls_args(dir, name, dir);
    };
    return out;
  }
};

std::vector<test_node*> all_nodes(test_cluster& cluster) {
  std::vector<test_node*> out{&cluster.gateway()};
  for (const auto& role : cluster_roles())
    out.push_back(&cluster.node(role));
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// Lines of the cluster's logs that tell of a lost link, except to `role`.
size_t links_lost(test_cluster& cluster, const std::string& except = "") {
  size_t n = 0;
  for (auto* node : all_nodes(cluster)) {
    std::istringstream in{node->log()};
    for (std::string line; std::getline(in, line);)
      if (line.find("cluster: lost") != std::string::npos
          && (except.empty()
              || line.find("lost " + except + " ") == std::string::npos)) {
        CAF_MESSAGE(line);
        ++n;
      }
  }
  return n;
}

// What a port scanner or a TCP health check does: connect and hang up.
void poke(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::close(fd);
}

// A TLS handshake with the node's cluster port by the openssl command, as
// the gateway; its summary (peer certificate and verification).
std::string handshake(const cert_dirs& certs, int port) {
  auto dir = certs.cluster;
  return command_output(
    "openssl s_client -brief -connect 127.0.0.1:" + std::to_string(port)
    + " -CAfile '" + dir + "/ca.pem' -cert '" + dir + "/gateway.pem' -key '"
    + dir + "/gateway.key' -verify_return_error </dev/null 2>&1");
}

// A 2-minute clip in `dir`, longer than the test plays.
std::string clip(const std::string& dir) {
  auto path = dir + "/clip.mp4";
  auto cmd = "ffmpeg -loglevel error -nostdin -y -f lavfi -i "
             "testsrc=duration=120:size=160x120:rate=2 -c:v libx264 -preset "
             "ultrafast -pix_fmt yuv420p '" + path + "'";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("ffmpeg could not make the test clip");
  return path;
}

} // namespace

CAF_TEST(a TLS cluster serves viewers and keeps its links) {
  cert_dirs certs;
  test_cluster cluster{certs.layout()};
  auto& gw = cluster.gateway();
  CAF_REQUIRE_EQUAL(gw.get("/health/ready").status, 200);
  for (auto* node : all_nodes(cluster))
    if (node != &gw)
      CAF_CHECK(node->log().find("(TLS)") != std::string::npos);
  for (const auto& role : cluster_roles()) {
    auto summary = handshake(certs, cluster.node(role).cluster_port());
    CAF_CHECK(summary.find("Verification: OK") != std::string::npos);
    CAF_CHECK(summary.find("CN = " + role) != std::string::npos);
  }

  auto creator = token_of(sign_up(gw, "creator"));
  auto video = upload(gw, creator, price, clip(certs.root));
  auto players = start_viewers(gw, video, 3);

  CAF_MESSAGE("25 s of traffic, with failed handshakes at every node");
  auto until = std::chrono::steady_clock::now() + 25s;
  int other_requests = 0;
  for (int tick = 0; std::chrono::steady_clock::now() < until; ++tick) {
    CAF_CHECK_EQUAL(gw.get("/api/wallet", players[tick % 3]->token()).status,
                    200);
    CAF_CHECK_EQUAL(gw.get("/api/videos/" + video, creator).status, 200);
    other_requests += 2;
    // Each failed handshake makes CAF's OpenSSL module misread the next idle
    // read of every other link on that node, unless the node empties
    // OpenSSL's error queue (nodes/openssl_error_queue.cpp).
    if (tick % 4 == 0)
      for (auto* node : all_nodes(cluster))
        if (node->cluster_port() > 0)
          poke(node->cluster_port());
    std::this_thread::sleep_for(500ms);
  }
  for (auto& p : players) {
    p->stop();
    auto statuses = p->statuses();
    CAF_CHECK_EQUAL(statuses.size(), 1u);
    CAF_CHECK_GREATER(statuses[200], 20);
    CAF_CHECK_GREATER_OR_EQUAL(p->minutes_paid(), 10);
  }
  CAF_MESSAGE(other_requests << " other requests answered");
  CAF_CHECK_EQUAL(links_lost(cluster), 0u);

  CAF_MESSAGE("each session is charged exactly its minutes");
  for (auto& p : players) {
    auto ended = gw.post("/api/sessions/" + p->id() + "/end", json::object(),
                         p->token());
    CAF_REQUIRE_EQUAL(ended.status, 200);
    auto minutes = ended.body["minutes_paid"].get<int64_t>();
    CAF_CHECK_EQUAL(ended.body["charged_cents"], minutes * price);
    CAF_CHECK_EQUAL(balance(gw, p->token()), 10'000 - minutes * price);
    auto in_ledger = cluster.databases().query(
      "billing", "SELECT count(*) FROM ledger_transactions WHERE kind = "
                 "'charge' AND session_id = '" + p->id() + "'");
    CAF_CHECK_EQUAL(in_ledger, std::to_string(minutes));
  }
}

CAF_TEST(nodes without a certificate of the cluster CA cannot join) {
  const std::string role = "analytics";
  auto roles = cluster_roles();
  CAF_REQUIRE(std::find(roles.begin(), roles.end(), role) != roles.end());
  cert_dirs certs;
  test_cluster cluster{certs.layout()};
  auto& gw = cluster.gateway();
  auto& dbs = cluster.databases();
  CAF_REQUIRE_EQUAL(gw.get("/health/ready").status, 200);
  auto creator = token_of(sign_up(gw, "creator"));
  auto video = upload(gw, creator, price, clip(certs.root));
  auto viewer = token_of(sign_up(gw));
  deposit(gw, viewer, 10'000);
  auto s = gw.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_REQUIRE_EQUAL(s.status, 201);
  player watching{gw, viewer, s.body["id"].get<std::string>()};
  auto unavailable = [&] {
    auto r = gw.get("/api/analytics/creator", creator);
    return r.status == 503 && r.body["error"] == "role_unavailable";
  };

  CAF_MESSAGE("the " << role << " node goes; outsiders take its port");
  auto& genuine = cluster.node(role);
  genuine.signal(SIGKILL);
  CAF_REQUIRE(poll_until(5s, unavailable));
  const std::pair<std::string, std::vector<std::string>> outsiders[] = {
    // It trusts the cluster's CA (ca.pem is no secret): only its own
    // certificate gives it away.
    {"a certificate of another CA",
     tls_args(certs.rogue, role, certs.cluster)},
    {"no TLS at all", {}},
  };
  for (const auto& [what, args] : outsiders) {
    CAF_MESSAGE("an outsider with " << what);
    auto launch = args;
    for (auto arg : {"--roles=gateway," + role,
                     "--cluster.peers=" + cluster.peers(),
                     std::string{"--access-log=off"},
                     std::string{"--cluster.retry-max-ms=500"}})
      launch.push_back(arg);
    test_node outsider{dbs,
                       node_launch{launch, genuine.cluster_port(), false}};
    // The gateway keeps dialling the port and never gets the role.
    bool never = true;
    auto until = std::chrono::steady_clock::now() + 8s;
    while (std::chrono::steady_clock::now() < until) {
      never = never && unavailable();
      std::this_thread::sleep_for(250ms);
    }
    CAF_CHECK(never);
    // Nor does the outsider get any role of the cluster: what it is asked
    // to pass on is refused and reaches no actor.
    auto email = unique_email("outsider");
    auto r = outsider.post("/api/auth/register",
                           {{"email", email},
                            {"password", "correct horse"},
                            {"display_name", "Outsider"},
                            {"role", "viewer"}});
    CAF_CHECK_EQUAL(r.status, 503);
    CAF_CHECK_EQUAL(r.body["error"], "role_unavailable");
    CAF_CHECK_EQUAL(dbs.query("auth", "SELECT count(*) FROM users WHERE "
                                      "email_lower = lower('" + email + "')"),
                    "0");
    auto log = outsider.log();
    CAF_CHECK_EQUAL(count(log, " connected\n"), 0u);
    CAF_CHECK_GREATER(count(log, "unreachable"), 0u);
  }

  CAF_MESSAGE("the genuine node on the same port is taken at once");
  genuine.restart();
  CAF_CHECK(poll_until(10s, [&] {
    return gw.get("/api/analytics/creator", creator).status == 200;
  }));
  CAF_CHECK_EQUAL(gw.get("/health/ready").status, 200);
  // The rest of the cluster was served all along.
  watching.stop();
  auto statuses = watching.statuses();
  CAF_CHECK_EQUAL(statuses.size(), 1u);
  CAF_CHECK_GREATER(statuses[200], 15);
  CAF_CHECK_EQUAL(links_lost(cluster, role), 0u);
}

CAF_TEST(cluster.tls without its files is refused at start) {
  std::vector<std::string> gateway{"--roles=gateway", "--access-log=off",
                                   "--auth.jwt-secret=x",
                                   "--cluster.peers=auth@127.0.0.1:1",
                                   "--cluster.tls"};
  auto r = run_node_command(gateway);
  CAF_CHECK_EQUAL(r.rc, 2);
  CAF_CHECK(r.output.find("cluster.tls needs openssl.cafile")
            != std::string::npos);
  // The spelling deploy/local/cluster uses, which CAF alone refuses.
  gateway.back() = "--cluster.tls=true";
  for (auto arg : {"--openssl.cafile=/nonexistent/ca.pem",
                   "--openssl.certificate=/nonexistent/node.pem",
                   "--openssl.key=/nonexistent/node.key"})
    gateway.push_back(arg);
  r = run_node_command(gateway);
  CAF_CHECK_EQUAL(r.rc, 2);
  CAF_CHECK(r.output.find("openssl.cafile: cannot read '/nonexistent/ca.pem'")
            != std::string::npos);
}
