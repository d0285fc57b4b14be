#define CAF_SUITE transcode

#include <caf/test/unit_test.hpp>

#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/catalog_support.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// 854x480 H.264 + AAC, 12 s: ladder 240p and 360p, three 4 s segments.
const std::string& h264_480p() {
  return generated_media(
    "h264-480p.mp4",
    "-f lavfi -i testsrc=duration=12:size=854x480:rate=25 -f lavfi -i "
    "sine=frequency=440:duration=12 -c:v libx264 -preset ultrafast "
    "-pix_fmt yuv420p -c:a aac -shortest");
}

// Interlaced MPEG-2 video and MP2 audio in Matroska, as from a broadcast
// recorder: no browser plays it.
const std::string& mpeg2_360p() {
  return generated_media(
    "mpeg2-360p.mkv",
    "-f lavfi -i testsrc=duration=8:size=640x360:rate=25 -f lavfi -i "
    "sine=frequency=330:duration=8 -vf setfield=tff -flags +ilme+ildct "
    "-c:v mpeg2video -q:v 6 -c:a mp2 -shortest");
}

std::string token_of(const json& account) {
  return account["token"].get<std::string>();
}

std::vector<form_part> video_form(const std::string& title,
                                  const std::string& bytes) {
  return {{"title", title, ""},
          {"price_per_minute_cents", "5", ""},
          {"file", bytes, "clip.bin"}};
}

std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hls_of(const std::string& data_dir, const std::string& id) {
  return data_dir + "/videos/hls/" + id;
}

// The segment lengths a media playlist lists (#EXTINF).
std::vector<std::string> segment_lengths(const std::string& playlist) {
  std::vector<std::string> out;
  std::istringstream in{playlist};
  for (std::string line; std::getline(in, line);)
    if (line.rfind("#EXTINF:", 0) == 0)
      out.push_back(line);
  return out;
}

// Checks the contract layout of a ready video's ladder; returns the
// rendition names of its JSON.
std::vector<std::string> check_ladder(const json& video,
                                      const std::string& data_dir,
                                      double seconds) {
  std::vector<std::string> names;
  auto dir = hls_of(data_dir, video["id"].get<std::string>());
  auto master = read_text(dir + "/master.m3u8");
  CAF_CHECK(!fs::exists(dir + ".tmp"));
  std::vector<std::string> first_lengths;
  for (const auto& r : video["renditions"]) {
    auto name = r["name"].get<std::string>();
    names.push_back(name);
    auto resolution = std::to_string(r["width"].get<int64_t>()) + "x"
                      + std::to_string(r["height"].get<int64_t>());
    CAF_CHECK(master.find("RESOLUTION=" + resolution) != std::string::npos);
    CAF_CHECK(master.find("BANDWIDTH=" + std::to_string(r["bandwidth_bps"].get<int64_t>()))
              != std::string::npos);
    CAF_CHECK(master.find(name + "/index.m3u8") != std::string::npos);
    auto playlist = read_text(dir + "/" + name + "/index.m3u8");
    CAF_CHECK(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD") != std::string::npos);
    CAF_CHECK(playlist.find("#EXT-X-MAP:URI=\"init.mp4\"") != std::string::npos);
    CAF_CHECK(fs::exists(dir + "/" + name + "/init.mp4"));
    CAF_CHECK(fs::exists(dir + "/" + name + "/seg_00000.m4s"));
    // Aligned keyframes: every rendition cuts its segments at the same times.
    auto lengths = segment_lengths(playlist);
    if (first_lengths.empty())
      first_lengths = lengths;
    CAF_CHECK_EQUAL(lengths, first_lengths);
    auto probed = tool_output("ffprobe -v error -show_entries format=duration"
                                 " -of csv=p=0 " + dir + "/" + name
                                 + "/index.m3u8");
    auto duration = std::strtod(probed.c_str(), nullptr);
    CAF_CHECK(std::abs(duration - seconds) <= 4.0);
    CAF_CHECK_EQUAL(tool_output("ffprobe -v error -select_streams v:0"
                                   " -show_entries stream=codec_name -of csv=p=0 "
                                   + dir + "/" + name + "/index.m3u8 | grep . | sort -u"),
                    "h264");
  }
  CAF_CHECK(master.find("CODECS=\"avc1.64001e,mp4a.40.2\"") != std::string::npos);
  return names;
}

// Whether a process whose command line names `word` still runs.
bool process_naming(const std::string& word) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    auto cmdline = read_text(e.path() / "cmdline");
    if (cmdline.find(word) != std::string::npos)
      return true;
  }
  return false;
}

std::string progress_of(const test_databases& dbs, const std::string& id) {
  return dbs.query("video", "SELECT processing_progress::text || status FROM"
                            " videos WHERE id = '" + id + "'");
}

// Polls until the video's transcode has written a progress above 0 (so
// FFmpeg runs); false when it ended first.
bool wait_transcoding(const test_databases& dbs, const std::string& id) {
  for (int i = 0; i < 1200; ++i) {
    auto p = progress_of(dbs, id);
    if (p != "0processing" && p.find("processing") != std::string::npos)
      return true;
    if (p.find("processing") == std::string::npos)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

} // namespace

CAF_TEST(an H.264 upload becomes a ladder of aligned renditions) {
  auto& node = catalog().node();
  auto owner = sign_up(node, "creator");
  auto r = upload(token_of(owner), video_form("Ladder", h264_480p()));
  CAF_REQUIRE_EQUAL(r.status, 201);
  CAF_CHECK_EQUAL(r.body["processing_progress"], 0);
  CAF_CHECK_EQUAL(r.body["renditions"], json::array());
  auto id = r.body["id"].get<std::string>();
  auto done = wait_processed(id, token_of(owner));
  CAF_REQUIRE_EQUAL(done["status"], "ready");
  CAF_CHECK(!done.contains("processing_progress"));
  auto names = check_ladder(done, catalog().data_dir, 12.0);
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"240p", "360p"}));
  CAF_CHECK_EQUAL(done["renditions"][1]["width"], 640);
  CAF_CHECK_EQUAL(done["renditions"][1]["height"], 360);
  auto listed = node.get("/api/creator/videos", token_of(owner));
  CAF_REQUIRE_EQUAL(listed.status, 200);
  CAF_CHECK_EQUAL(listed.body["items"][0]["renditions"].size(), 2u);
  // Deleting removes the whole ladder with the original.
  CAF_CHECK_EQUAL(node.del("/api/videos/" + id, token_of(owner)).status, 204);
  CAF_CHECK(!fs::exists(hls_of(catalog().data_dir, id)));
}

CAF_TEST(an MPEG-2 upload no browser plays becomes playable H.264) {
  auto owner = sign_up(catalog().node(), "creator");
  auto r = upload(token_of(owner), video_form("Broadcast", mpeg2_360p()));
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto done = wait_processed(r.body["id"].get<std::string>(), token_of(owner));
  CAF_REQUIRE_EQUAL(done["status"], "ready");
  auto names = check_ladder(done, catalog().data_dir, 8.0);
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"240p", "360p"}));
}

CAF_TEST(a truncated upload fails with a reason for its creator) {
  auto whole = generated_media(
    "h264-cut.mkv", "-f lavfi -i testsrc=duration=12:size=320x240:rate=25 "
                    "-c:v libx264 -preset ultrafast -pix_fmt yuv420p");
  auto owner = sign_up(catalog().node(), "creator");
  auto r = upload(token_of(owner),
                  video_form("Cut short", whole.substr(0, whole.size() * 3 / 10)));
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto id = r.body["id"].get<std::string>();
  auto done = wait_processed(id, token_of(owner));
  CAF_CHECK_EQUAL(done["status"], "failed");
  auto reason = done["failure_reason"].get<std::string>();
  CAF_MESSAGE("failure_reason: " << reason);
  CAF_CHECK(reason.size() > 20);
  CAF_CHECK(reason.find("ffmpeg") == std::string::npos);
  CAF_CHECK_EQUAL(done["renditions"], json::array());
  CAF_CHECK(!fs::exists(hls_of(catalog().data_dir, id)));
  CAF_CHECK(!fs::exists(hls_of(catalog().data_dir, id) + ".tmp"));
}

CAF_TEST(a node stopped while transcoding finishes the video after restarting) {
  test_databases dbs;
  auto data_dir = catalog().data_dir + "/restart";
  test_node node{dbs, {"--storage.data-dir=" + data_dir, "--http.rate-limit=0"}};
  auto& source = generated_media(
    "long-360p.mp4", "-f lavfi -i testsrc=duration=30:size=640x360:rate=25 -f "
                     "lavfi -i sine=duration=30 -c:v libx264 -preset ultrafast "
                     "-pix_fmt yuv420p -c:a aac -shortest");
  auto owner = sign_up(node, "creator");
  auto r = upload_to(node, token_of(owner), video_form("Interrupted", source));
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto id = r.body["id"].get<std::string>();
  CAF_REQUIRE(wait_transcoding(dbs, id));
  // Killed: FFmpeg goes with it and the video stays processing.
  node.signal(SIGKILL);
  for (int i = 0; i < 100 && process_naming(id); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CAF_CHECK(!process_naming(id));
  CAF_CHECK(progress_of(dbs, id).find("processing") != std::string::npos);
  node.restart();
  CAF_REQUIRE(wait_transcoding(dbs, id));
  // Stopped: it drains at once (FFmpeg killed), not after the encode.
  CAF_CHECK_EQUAL(node.stop(), 0);
  CAF_CHECK(!process_naming(id));
  node.restart();
  auto done = wait_processed(node, id, token_of(owner));
  CAF_REQUIRE_EQUAL(done["status"], "ready");
  check_ladder(done, data_dir, 30.0);
  std::error_code ignored;
  fs::remove_all(data_dir, ignored);
}
