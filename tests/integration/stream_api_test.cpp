// GET /api/sessions/{id}/stream over HTTP: auth by stream token or Bearer,
// the bytes of the uploaded file, ranges, and the session's state.
#define CAF_SUITE stream_api

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include <caf/test/unit_test.hpp>

#include "actors/streaming/stream_token.hpp"

#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;
using namespace std::string_literals;

namespace {

const std::string& sample_bytes() {
  static const std::string bytes = [] {
    std::ifstream in{sample_video(), std::ios::binary};
    return std::string{std::istreambuf_iterator<char>(in), {}};
  }();
  return bytes;
}

http_reply fetch(test_node& node, const std::string& url,
                 const std::string& range = "",
                 const std::string& token = "") {
  httplib::Headers headers;
  if (!range.empty())
    headers.emplace("Range", range);
  if (!token.empty())
    headers.emplace("Authorization", "Bearer " + token);
  return node.send("GET", url, "", "", headers);
}

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>(in), {}};
}

std::string path_of(const watching& w) {
  return "/api/sessions/" + w.session + "/stream";
}

} // namespace

CAF_TEST(the viewer streams with the st token or a Bearer token) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  const auto& file = sample_bytes();
  auto size = std::to_string(file.size());
  auto whole = fetch(node, w.stream_url);
  CAF_REQUIRE_EQUAL(whole.status, 200);
  CAF_CHECK(whole.raw == file);
  CAF_CHECK_EQUAL(whole.header("Accept-Ranges"), "bytes");
  CAF_CHECK_EQUAL(whole.header("Content-Type"), "video/mp4");
  CAF_CHECK(!whole.header("ETag").empty());
  auto first = fetch(node, w.stream_url, "bytes=0-99");
  CAF_REQUIRE_EQUAL(first.status, 206);
  CAF_CHECK(first.raw == file.substr(0, 100));
  CAF_CHECK_EQUAL(first.header("Content-Range"), "bytes 0-99/" + size);
  auto bearer = fetch(node, path_of(w), "bytes=1000-1999", w.viewer);
  CAF_REQUIRE_EQUAL(bearer.status, 206);
  CAF_CHECK(bearer.raw == file.substr(1000, 1000));
  CAF_CHECK_EQUAL(bearer.header("Content-Range"),
                  "bytes 1000-1999/" + size);
}

CAF_TEST(open suffix and clamped ranges) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  const auto& file = sample_bytes();
  auto n = static_cast<int64_t>(file.size());
  auto size = std::to_string(n);
  auto open = fetch(node, w.stream_url, "bytes=" + std::to_string(n - 500) + "-");
  CAF_REQUIRE_EQUAL(open.status, 206);
  CAF_CHECK(open.raw == file.substr(n - 500));
  CAF_CHECK_EQUAL(open.header("Content-Range"),
                  "bytes " + std::to_string(n - 500) + "-"
                    + std::to_string(n - 1) + "/" + size);
  auto suffix = fetch(node, w.stream_url, "bytes=-300");
  CAF_REQUIRE_EQUAL(suffix.status, 206);
  CAF_CHECK(suffix.raw == file.substr(n - 300));
  auto clamped = fetch(node, w.stream_url,
                       "bytes=" + std::to_string(n - 10) + "-"
                         + std::to_string(n + 1'000'000));
  CAF_REQUIRE_EQUAL(clamped.status, 206);
  CAF_CHECK(clamped.raw == file.substr(n - 10));
  CAF_CHECK_EQUAL(clamped.header("Content-Range"),
                  "bytes " + std::to_string(n - 10) + "-"
                    + std::to_string(n - 1) + "/" + size);
}

CAF_TEST(unsatisfiable and multiple ranges are 416 with the size) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  auto n = sample_bytes().size();
  for (const auto& range :
       {"bytes=" + std::to_string(n) + "-", "bytes=0-1,5-9"s, "bytes=-0"s}) {
    auto r = fetch(node, w.stream_url, range);
    CAF_CHECK_EQUAL(r.status, 416);
    CAF_CHECK_EQUAL(r.header("Content-Range"), "bytes */" + std::to_string(n));
    CAF_CHECK_EQUAL(r.body["error"], "range_not_satisfiable");
  }
  // httplib refuses these before routing: 416, but the size is unknown there.
  for (const auto& range : {"bytes=9-3"s, "lines=0-1"s}) {
    auto r = fetch(node, w.stream_url, range);
    CAF_CHECK_EQUAL(r.status, 416);
    CAF_CHECK_EQUAL(r.body["error"], "range_not_satisfiable");
  }
}

CAF_TEST(other viewers are 403 and bad tokens 401 with whole error bodies) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  auto other = token_of(sign_up(node));
  auto foreign = fetch(node, path_of(w), "bytes=0-3", other);
  CAF_CHECK_EQUAL(foreign.status, 403);
  CAF_CHECK_EQUAL(foreign.body["error"], "not_your_session");
  auto forged = w.stream_url;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  auto bad = fetch(node, forged, "bytes=0-3");
  CAF_CHECK_EQUAL(bad.status, 401);
  CAF_CHECK_EQUAL(bad.body["error"], "invalid_token");
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto expired = streamify::streaming::sign_stream_token(
    w.session, w.viewer_id, now_s - 1, test_node::jwt_secret);
  auto late = fetch(node, path_of(w) + "?st=" + expired, "bytes=0-3");
  CAF_CHECK_EQUAL(late.status, 401);
  CAF_CHECK_EQUAL(late.body["error"], "invalid_token");
  auto fresh = streamify::streaming::sign_stream_token(
    w.session, w.viewer_id, now_s + 60, test_node::jwt_secret);
  CAF_CHECK_EQUAL(fetch(node, path_of(w) + "?st=" + fresh, "bytes=0-3").status,
                  206);
  CAF_CHECK_EQUAL(fetch(node, path_of(w) + "?st=1.abcdef", "bytes=0-3").status,
                  401);
  CAF_CHECK_EQUAL(fetch(node, path_of(w)).status, 401);
  CAF_CHECK_EQUAL(fetch(node, "/api/sessions/nope/stream", "", w.viewer).status,
                  404);
}

CAF_TEST(an ended session is 410) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  CAF_REQUIRE_EQUAL(fetch(node, w.stream_url, "bytes=0-9").status, 206);
  CAF_REQUIRE_EQUAL(
    node.post("/api/sessions/" + w.session + "/end", json::object(), w.viewer)
      .status,
    200);
  auto gone = fetch(node, w.stream_url, "bytes=0-9");
  CAF_CHECK_EQUAL(gone.status, 410);
  CAF_CHECK_EQUAL(gone.body["error"], "session_ended");
  CAF_CHECK_EQUAL(gone.header("Content-Range"), "");
}

// The node trusts a fetched state for a minute (session_node): only the
// session's push can turn the cached "active" into 410 this soon.
CAF_TEST(an idle timeout is pushed to the stream endpoint at once) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  CAF_REQUIRE_EQUAL(fetch(node, w.stream_url, "bytes=0-9").status, 206);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (node.get("/api/sessions/" + w.session, w.viewer).body["state"]
         != "ended") {
    CAF_REQUIRE(std::chrono::steady_clock::now() < deadline);
    sleep_ms(100);
  }
  // The push travels session -> role -> gateway beside the GET's answer:
  // give it a moment, far less than the minute a fetched state is trusted.
  int status = 0;
  for (int i = 0; i < 20 && status != 410; ++i, sleep_ms(100))
    status = fetch(node, w.stream_url, "bytes=0-9").status;
  CAF_CHECK_EQUAL(status, 410);
}

CAF_TEST(payment_required is 402 until a deposit and a heartbeat) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 15);
  CAF_REQUIRE_EQUAL(fetch(node, w.stream_url, "bytes=0-9").status, 206);
  json last;
  for (int i = 0; i < 4; ++i) {
    last = beat(node, w.viewer, w.session, i, true).body;
    sleep_ms(1'000);
  }
  last = beat(node, w.viewer, w.session, 4, true).body;
  CAF_REQUIRE_EQUAL(last["state"], "payment_required");
  auto unpaid = fetch(node, w.stream_url, "bytes=0-9");
  CAF_CHECK_EQUAL(unpaid.status, 402);
  CAF_CHECK_EQUAL(unpaid.body["error"], "payment_required");
  CAF_CHECK_EQUAL(unpaid.header("Content-Range"), "");
  deposit(node, w.viewer, 1'000);
  last = beat(node, w.viewer, w.session, 5, true).body;
  CAF_REQUIRE_EQUAL(last["state"], "active");
  auto paid = fetch(node, w.stream_url, "bytes=0-9");
  CAF_CHECK_EQUAL(paid.status, 206);
  CAF_CHECK(paid.raw == sample_bytes().substr(0, 10));
}

CAF_TEST(each response carries at most 8 MiB) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000, large_video());
  auto file = read_all(large_video());
  constexpr size_t cap = size_t{8} << 20;
  CAF_REQUIRE_GREATER(file.size(), cap);
  auto size = std::to_string(file.size());
  auto first = fetch(node, w.stream_url);
  CAF_REQUIRE_EQUAL(first.status, 206);
  CAF_CHECK(first.raw == file.substr(0, cap));
  CAF_CHECK_EQUAL(first.header("Content-Range"),
                  "bytes 0-" + std::to_string(cap - 1) + "/" + size);
  auto open = fetch(node, w.stream_url, "bytes=1000-");
  CAF_REQUIRE_EQUAL(open.status, 206);
  CAF_CHECK(open.raw == file.substr(1000, cap));
  CAF_CHECK_EQUAL(open.header("Content-Range"),
                  "bytes 1000-" + std::to_string(1000 + cap - 1) + "/" + size);
}

// ffprobe, a client no one here wrote, reads the video through stream_url
// (an MP4 whose index is at the end: it seeks with ranges).
CAF_TEST(ffprobe reads the duration through stream_url) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto w = start_watching(node, 10, 1'000);
  auto url = "http://127.0.0.1:" + std::to_string(node.port()) + w.stream_url;
  auto duration = command_output("ffprobe -v error -show_entries "
                                 "format=duration -of csv=p=0 '"
                                 + url + "'");
  CAF_REQUIRE(!duration.empty());
  CAF_CHECK_LESS(std::abs(std::stod(duration) - sample_duration_s), 0.1);
}
