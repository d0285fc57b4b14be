#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// What the gateway needs of an HLS media playlist (index.m3u8): each
// segment's URI and the time span it covers, from the EXTINF durations.
// Pure, so unit-tested and fuzzable without a node.
namespace streamify::gateway {

struct media_segment {
  std::string uri;
  int64_t begin_ms = 0;
  int64_t end_ms = 0;
};

struct media_playlist {
  std::string init_uri; // EXT-X-MAP's URI, empty without one
  std::vector<media_segment> segments;

  // The segment with this URI, or nullptr.
  const media_segment* find(const std::string& uri) const;
};

// nullopt when the text is not a media playlist: no #EXTM3U first line, an
// EXTINF without a valid duration or without a URI after it.
std::optional<media_playlist> parse_media_playlist(const std::string& text);

} // namespace streamify::gateway
