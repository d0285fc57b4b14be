#include "tests/integration/hls_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <caf/test/unit_test.hpp>

namespace streamify::test {

namespace {

void run(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("command failed: " + cmd);
}

} // namespace

std::string tiny_video(int seconds) {
  auto path = "/tmp/streamify-hls-test-" + std::to_string(::getpid()) + "-"
              + std::to_string(seconds) + ".mp4";
  if (!std::filesystem::exists(path))
    run("ffmpeg -loglevel error -nostdin -y -f lavfi -i testsrc=duration="
        + std::to_string(seconds)
        + ":size=640x360:rate=2 -f lavfi -i sine=frequency=440:duration="
        + std::to_string(seconds)
        + " -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 8"
          " -c:a aac -b:a 16k -shortest "
        + path);
  return path;
}

std::vector<hls_segment> segments_of(const std::string& playlist) {
  std::vector<hls_segment> out;
  std::istringstream in{playlist};
  double pending = -1;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#EXTINF:", 0) == 0)
      pending = std::stod(line.substr(8));
    else if (!line.empty() && line[0] != '#' && pending >= 0) {
      out.push_back({line, pending});
      pending = -1;
    }
  }
  return out;
}

std::string hls_base(const std::string& hls_url) {
  return hls_url.substr(0, hls_url.rfind('/') + 1);
}

http_reply fetch(test_node& node, const std::string& path,
                 const std::string& range) {
  httplib::Headers headers;
  if (!range.empty())
    headers.emplace("Range", range);
  return node.send("GET", path, "", "", headers);
}

greedy_take greedy(test_node& node, const std::string& hls_url,
                   const std::vector<std::string>& renditions) {
  greedy_take take;
  std::set<size_t> first_rendition;
  bool first = true;
  for (const auto& rendition : renditions) {
    auto list = fetch(node, hls_base(hls_url) + rendition + "/index.m3u8");
    CAF_REQUIRE_EQUAL(list.status, 200);
    auto segments = segments_of(list.raw);
    CAF_REQUIRE_GREATER(segments.size(), 0u);
    std::set<size_t> here;
    for (size_t k = 0; k < segments.size(); ++k) {
      auto r = fetch(node,
                     hls_base(hls_url) + rendition + "/" + segments[k].uri);
      if (r.status == 200) {
        here.insert(k);
        if (take.segments.insert(k).second)
          take.seconds += segments[k].seconds;
      } else {
        CAF_CHECK_EQUAL(r.status, 402);
        CAF_CHECK_EQUAL(r.body["error"], "beyond_paid_window");
      }
    }
    if (first)
      first_rendition = here;
    else
      CAF_CHECK(here == first_rendition);
    first = false;
  }
  return take;
}

int64_t pay_next_minute(test_node& node, const watching& w, int64_t paid) {
  for (int i = 0; i < 40; ++i) {
    auto r = beat(node, w.viewer, w.session, i, true);
    CAF_REQUIRE_EQUAL(r.status, 200);
    auto now = r.body["minutes_paid"].get<int64_t>();
    if (now > paid)
      return now;
    sleep_ms(500);
  }
  CAF_FAIL("no minute was charged");
  return paid;
}

} // namespace streamify::test
