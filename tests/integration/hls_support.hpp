#pragma once

#include <set>
#include <string>
#include <vector>

#include "tests/integration/session_support.hpp"

// Helpers of the HLS delivery tests: small videos whose uploads the catalog
// turns into HLS ladders, and a client that reads playlists and fetches
// segments.
namespace streamify::test {

// A `seconds` long H.264 + AAC MP4, 640x360 at 2 fps (so its ladder has the
// 240p and 360p renditions and encodes quickly); its path.
std::string tiny_video(int seconds);

struct hls_segment {
  std::string uri;
  double seconds = 0;
};

// The segments of a media playlist's text, in order.
std::vector<hls_segment> segments_of(const std::string& playlist);

// hls_url without its final "master.m3u8".
std::string hls_base(const std::string& hls_url);

// GET of a path on the node, with an optional Range header.
http_reply fetch(test_node& node, const std::string& path,
                 const std::string& range = "");

// What a greedy client obtained: the distinct segments (by index) and their
// seconds (EXTINF).
struct greedy_take {
  std::set<size_t> segments;
  double seconds = 0;
};

// Requests every segment of each rendition through `node`. Refusals must be
// 402 beyond_paid_window, and a segment obtained in one rendition must be
// obtained in every other.
greedy_take greedy(test_node& node, const std::string& hls_url,
                   const std::vector<std::string>& renditions);

// Plays the session (heartbeats through `node`) until one more minute is
// charged; the minutes paid then.
int64_t pay_next_minute(test_node& node, const watching& w, int64_t paid);

} // namespace streamify::test
