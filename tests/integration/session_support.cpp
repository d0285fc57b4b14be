#include "tests/integration/session_support.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <caf/test/unit_test.hpp>

namespace streamify::test {

using nlohmann::json;

test_node& session_node() {
  static test_node node{shared_databases(),
                        {"--billing.minute-seconds=2",
                         "--http.entitlement-ttl=60",
                         "--streaming.heartbeat-interval=1",
                         "--streaming.idle-timeout=3",
                         "--billing.platform-fee-bps=2000"}};
  return node;
}

std::string token_of(const json& account) {
  return account["token"].get<std::string>();
}

// The catalog and billing routes answer 401 without a token when present.
bool money_and_videos(test_node& node) {
  auto has = node.post("/api/wallet/deposits", {{"amount_cents", 1}}).status
               == 401
             && node.get("/api/creator/videos").status == 401;
  if (!has)
    CAF_MESSAGE("skipped: this build has no catalog/billing routes");
  return has;
}

std::string key() {
  static std::atomic<int> n{0};
  return "k-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

void deposit(test_node& node, const std::string& token, int64_t cents) {
  auto r = node.post("/api/wallet/deposits", {{"amount_cents", cents}}, token,
                     {{"Idempotency-Key", key()}});
  CAF_REQUIRE_EQUAL(r.status, 201);
}

int64_t balance(test_node& node, const std::string& token) {
  return node.get("/api/wallet", token).body["balance_cents"].get<int64_t>();
}

const std::string& sample_video() {
  static const std::string path = [] {
    std::string p = "/tmp/streamify-session-test-" + std::to_string(::getpid())
                    + ".mp4";
    std::string cmd = "ffmpeg -loglevel error -y -f lavfi -i testsrc=duration="
                      + std::to_string(static_cast<int>(sample_duration_s))
                      + ":size=160x120:rate=10 -pix_fmt yuv420p " + p;
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("ffmpeg could not make a sample video");
    return p;
  }();
  return path;
}

const std::string& large_video() {
  static const std::string path = [] {
    std::string p = "/tmp/streamify-stream-test-" + std::to_string(::getpid())
                    + ".mp4";
    std::string cmd = "ffmpeg -loglevel error -y -f lavfi -i "
                      "testsrc=duration=1:size=640x480:rate=25 -vf "
                      "noise=alls=100:allf=t -c:v libx264 -preset ultrafast "
                      "-qp 0 -pix_fmt yuv420p "
                      + p;
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("ffmpeg could not make a large video");
    return p;
  }();
  return path;
}

std::string command_output(const std::string& command) {
  std::string out;
  if (auto* pipe = ::popen(command.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof(buf), pipe))
      out.append(buf, n);
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

// Uploads the sample video at this price and waits until it is ready.
std::string upload(test_node& node, const std::string& token, int64_t price,
                   const std::string& file, std::chrono::seconds limit) {
  std::ifstream in{file, std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>(in), {}};
  std::string b = "streamify-boundary-42";
  auto field = [&](const std::string& name, const std::string& value) {
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name
           + "\"\r\n\r\n" + value + "\r\n";
  };
  std::string body = field("title", "Session test")
                     + field("price_per_minute_cents", std::to_string(price))
                     + "--" + b
                     + "\r\nContent-Disposition: form-data; name=\"file\";"
                       " filename=\"clip.mp4\"\r\nContent-Type: video/mp4"
                       "\r\n\r\n"
                     + bytes + "\r\n--" + b + "--\r\n";
  auto r = node.send("POST", "/api/videos", body,
                     "multipart/form-data; boundary=" + b,
                     {{"Authorization", "Bearer " + token}});
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto id = r.body["id"].get<std::string>();
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto v = node.get("/api/videos/" + id, token);
    if (v.body["status"] == "ready")
      return id;
    if (v.body["status"] == "failed")
      CAF_FAIL("video " << id << " failed: "
                        << v.body.value("failure_reason", std::string{}));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CAF_FAIL("video " << id << " never became ready");
  return id;
}

watching watch(test_node& node, const std::string& video_id, int64_t cents) {
  auto account = sign_up(node);
  auto viewer = token_of(account);
  if (cents > 0)
    deposit(node, viewer, cents);
  auto s = node.post("/api/sessions", {{"video_id", video_id}}, viewer);
  CAF_REQUIRE_EQUAL(s.status, 201);
  return {viewer, account["user"]["id"].get<std::string>(),
          s.body["id"].get<std::string>(),
          s.body["stream_url"].get<std::string>()};
}

watching start_watching(test_node& node, int64_t price, int64_t cents,
                        const std::string& file) {
  auto creator = token_of(sign_up(node, "creator"));
  return watch(node, upload(node, creator, price, file), cents);
}

http_reply beat(test_node& node, const std::string& token,
                const std::string& session, double position, bool playing,
                std::optional<int64_t> seq) {
  json body{{"position_s", position}, {"playing", playing}};
  if (seq)
    body["seq"] = *seq;
  return node.post("/api/sessions/" + session + "/heartbeat", body, token);
}

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

} // namespace streamify::test
