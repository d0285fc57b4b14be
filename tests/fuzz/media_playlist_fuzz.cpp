// parse_media_playlist on any text: segments follow each other from 0 without
// gaps, each span is non-negative, and a URI is one non-empty line.
#include <cstdint>
#include <string>

#include "gateway/media_playlist.hpp"
#include "tests/fuzz/fuzz_require.hpp"

using streamify::gateway::parse_media_playlist;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto playlist = parse_media_playlist(text);
  if (!playlist)
    return 0;
  FUZZ_REQUIRE(text.rfind("#EXTM3U", 0) == 0);
  int64_t at = 0;
  for (const auto& s : playlist->segments) {
    FUZZ_REQUIRE(s.begin_ms == at && s.end_ms >= s.begin_ms);
    FUZZ_REQUIRE(!s.uri.empty() && s.uri[0] != '#'
                 && s.uri.find('\n') == std::string::npos);
    at = s.end_ms;
  }
  return 0;
}
