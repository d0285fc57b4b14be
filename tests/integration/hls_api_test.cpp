// Delivery by segment over HTTP (hls_url) and the paid window on both media
// paths, with a real node, PostgreSQL, and the ladders the catalog makes of
// uploads.
#define CAF_SUITE hls_api

#include <filesystem>

#include <caf/test/unit_test.hpp>

#include "tests/integration/hls_support.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

// 2 s minutes, rate 2, lookahead 8 s: minute 0 allows 12 s of video and each
// further minute 4 s more; the session grants 4 s ahead.
constexpr double lookahead_s = 8;
constexpr double seconds_per_minute = 2 * 2.0;
constexpr int long_video_s = 600;
// The catalog encodes at low priority: on a busy machine that takes a while.
constexpr std::chrono::seconds transcode_limit{600};

struct hls_env {
  std::string data_dir;
  test_node* node = nullptr;
  std::string creator;
  std::string long_video;  // 10 minutes, ready (its ladder made)
  std::string short_video; // 12 s, ready
};

hls_env& env() {
  static hls_env e = [] {
    hls_env out;
    out.data_dir = std::filesystem::temp_directory_path().string()
                   + "/streamify-hls-" + std::to_string(::getpid());
    std::filesystem::create_directories(out.data_dir);
    static test_node node{shared_databases(),
                          {"--storage.data-dir=" + out.data_dir,
                           "--billing.minute-seconds=2",
                           "--http.entitlement-ttl=60",
                           "--streaming.heartbeat-interval=1",
                           "--streaming.idle-timeout=30",
                           "--streaming.lookahead-seconds=8",
                           "--streaming.grant-ahead-seconds=4"}};
    out.node = &node;
    out.creator = token_of(sign_up(node, "creator"));
    out.long_video = upload(node, out.creator, 1, tiny_video(long_video_s),
                            transcode_limit);
    out.short_video = upload(node, out.creator, 1, tiny_video(12),
                             transcode_limit);
    return out;
  }();
  return e;
}

struct viewer_session {
  watching w;
  std::string hls_url;
};

viewer_session open_session(const std::string& video) {
  auto& node = *env().node;
  auto w = watch(node, video, 1'000);
  auto s = node.get("/api/sessions/" + w.session, w.viewer);
  CAF_REQUIRE_EQUAL(s.status, 200);
  CAF_CHECK_EQUAL(s.body["max_playback_rate"].get<double>(), 2.0);
  return {w, s.body["hls_url"].get<std::string>()};
}

double greedy(const viewer_session& v) {
  return streamify::test::greedy(*env().node, v.hls_url, {"240p", "360p"})
    .seconds;
}

int64_t pay_next_minute(const viewer_session& v, int64_t paid) {
  return streamify::test::pay_next_minute(*env().node, v.w, paid);
}

double window_s(int64_t minutes_paid) {
  return minutes_paid * seconds_per_minute + lookahead_s;
}

} // namespace

CAF_TEST(ffprobe reads hls_url and reports the duration within a segment) {
  auto v = open_session(env().long_video);
  auto url = "http://127.0.0.1:" + std::to_string(env().node->port())
             + v.hls_url;
  auto out = command_output("ffprobe -v error -show_entries format=duration "
                            "-of default=nw=1:nk=1 '" + url + "'");
  CAF_REQUIRE(!out.empty());
  auto duration = std::stod(out);
  CAF_CHECK_LESS_OR_EQUAL(std::abs(duration - long_video_s), 4.0);
  auto short_session = open_session(env().short_video);
  auto whole = "ffmpeg -v error -nostdin -i 'http://127.0.0.1:"
               + std::to_string(env().node->port()) + short_session.hls_url
               + "' -c copy -f null - 2>&1";
  CAF_CHECK_EQUAL(command_output(whole + "; echo rc=$?"), "rc=0");
}

CAF_TEST(a greedy client gets the window and each paid minute widens it) {
  auto v = open_session(env().long_video);
  auto got = greedy(v);
  CAF_MESSAGE("minute 0: " << got << " s of " << window_s(1));
  CAF_CHECK_LESS_OR_EQUAL(got, window_s(1) + 0.001);
  CAF_CHECK_GREATER(got, window_s(1) - 4.001);
  int64_t paid = 1;
  for (int minute = 0; minute < 2; ++minute) {
    paid = pay_next_minute(v, paid);
    got = greedy(v);
    CAF_MESSAGE(paid << " minutes: " << got << " s of " << window_s(paid));
    CAF_CHECK_LESS_OR_EQUAL(got, window_s(paid) + 0.001);
    CAF_CHECK_GREATER(got, window_s(paid) - 4.001);
  }
}

CAF_TEST(the progressive stream is held to the same seconds) {
  auto v = open_session(env().long_video);
  auto size = std::filesystem::file_size(tiny_video(long_video_s));
  constexpr int64_t chunk = 16 << 10;
  int64_t bytes = 0;
  int refused = 0;
  for (int64_t first = 0; first < static_cast<int64_t>(size); first += chunk) {
    auto r = fetch(*env().node, v.w.stream_url,
                   "bytes=" + std::to_string(first) + "-"
                     + std::to_string(first + chunk - 1));
    if (r.status == 206)
      bytes += static_cast<int64_t>(r.raw.size());
    else {
      CAF_CHECK_EQUAL(r.status, 402);
      CAF_CHECK_EQUAL(r.body["error"], "beyond_paid_window");
      ++refused;
    }
  }
  auto seconds = static_cast<double>(bytes) * long_video_s / size;
  CAF_MESSAGE("progressive: " << seconds << " s of " << window_s(1));
  CAF_CHECK_LESS_OR_EQUAL(seconds, window_s(1) + 0.01);
  CAF_CHECK_GREATER(seconds, window_s(1) - 4.01);
  CAF_CHECK_GREATER(refused, 0);
  // What the HLS path delivers now is counted against the same window.
  CAF_CHECK_LESS_OR_EQUAL(greedy(v), window_s(1) + 0.001);
}

CAF_TEST(playlists and segments have their types and the access rules) {
  auto& node = *env().node;
  auto v = open_session(env().long_video);
  auto base = hls_base(v.hls_url);
  auto master = fetch(node, v.hls_url);
  CAF_REQUIRE_EQUAL(master.status, 200);
  CAF_CHECK_EQUAL(master.header("Content-Type"), "application/vnd.apple.mpegurl");
  CAF_CHECK_EQUAL(master.header("Cache-Control"), "private");
  CAF_CHECK(master.raw.find("240p/index.m3u8") != std::string::npos);
  auto init = fetch(node, base + "360p/init.mp4");
  CAF_REQUIRE_EQUAL(init.status, 200);
  CAF_CHECK_EQUAL(init.header("Content-Type"), "video/mp4");
  auto seg = fetch(node, base + "360p/seg_00000.m4s");
  CAF_REQUIRE_EQUAL(seg.status, 200);
  CAF_CHECK_EQUAL(seg.header("Content-Type"), "video/mp4");
  CAF_CHECK_EQUAL(seg.header("Cache-Control"), "private");
  auto part = fetch(node, base + "360p/seg_00000.m4s", "bytes=0-9");
  CAF_CHECK_EQUAL(part.status, 206);
  CAF_CHECK(part.raw == seg.raw.substr(0, 10));
  for (const auto* missing : {"999p/index.m3u8", "240p/seg_99999.m4s",
                              "240p/seg_00000.mp4", "240p/x.m4s",
                              "240p/..", "%2e%2e/master.m3u8",
                              "240p/%2e%2e%2f%2e%2e%2fmaster.m3u8",
                              "240P/index.m3u8"}) {
    auto r = fetch(node, base + missing);
    CAF_MESSAGE("GET " << missing);
    CAF_CHECK_EQUAL(r.status, 404);
    CAF_CHECK(r.body.contains("error"));
  }
  // The token binds session and viewer: edited, someone else's or another
  // session's token is 401 (the path token names no caller to refuse 403).
  auto token = base.substr(base.find("/hls/") + 5);
  token.pop_back();
  auto edited = token;
  edited.back() = edited.back() == 'A' ? 'B' : 'A';
  auto other = open_session(env().long_video);
  auto other_token = hls_base(other.hls_url);
  other_token = other_token.substr(other_token.find("/hls/") + 5);
  for (const auto& bad : {edited, other_token.substr(0, other_token.size() - 1),
                          std::string("1.x")}) {
    auto prefix = "/api/sessions/" + v.w.session + "/hls/" + bad + "/";
    CAF_CHECK_EQUAL(fetch(node, prefix + "master.m3u8").status, 401);
    CAF_CHECK_EQUAL(fetch(node, prefix + "240p/seg_00000.m4s").status, 401);
  }
  auto ended = node.post("/api/sessions/" + v.w.session + "/end", json::object(),
                         v.w.viewer);
  CAF_REQUIRE_EQUAL(ended.status, 200);
  CAF_CHECK_EQUAL(fetch(node, v.hls_url).status, 410);
  CAF_CHECK_EQUAL(fetch(node, base + "240p/seg_00000.m4s").status, 410);
}
