#define CAF_SUITE media_playlist

#include "gateway/media_playlist.hpp"

#include <caf/test/unit_test.hpp>

using namespace streamify::gateway;

CAF_TEST(segments get consecutive spans from their durations) {
  auto p = parse_media_playlist("#EXTM3U\n"
                                "#EXT-X-VERSION:7\n"
                                "#EXT-X-TARGETDURATION:4\n"
                                "#EXT-X-PLAYLIST-TYPE:VOD\n"
                                "#EXT-X-MAP:URI=\"init.mp4\"\n"
                                "#EXTINF:4.000000,\n"
                                "seg_00000.m4s\n"
                                "#EXTINF:3.9995,\r\n"
                                "seg_00001.m4s\r\n"
                                "#EXTINF:2,\n"
                                "seg_00002.m4s\n"
                                "#EXT-X-ENDLIST\n");
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->init_uri, "init.mp4");
  CAF_REQUIRE_EQUAL(p->segments.size(), 3u);
  CAF_CHECK_EQUAL(p->segments[0].uri, "seg_00000.m4s");
  CAF_CHECK_EQUAL(p->segments[0].begin_ms, 0);
  CAF_CHECK_EQUAL(p->segments[0].end_ms, 4'000);
  CAF_CHECK_EQUAL(p->segments[1].begin_ms, 4'000);
  CAF_CHECK_EQUAL(p->segments[1].end_ms, 7'999);
  CAF_CHECK_EQUAL(p->segments[2].begin_ms, 7'999);
  CAF_CHECK_EQUAL(p->segments[2].end_ms, 9'999);
  CAF_REQUIRE(p->find("seg_00001.m4s"));
  CAF_CHECK_EQUAL(p->find("seg_00001.m4s")->end_ms, 7'999);
  CAF_CHECK(!p->find("seg_00003.m4s"));
}

CAF_TEST(equal durations give every rendition the same spans) {
  auto text = [](const char* prefix) {
    std::string out = "#EXTM3U\n";
    for (int i = 0; i < 300; ++i)
      out += "#EXTINF:4.004000,\n" + std::string{prefix} + std::to_string(i)
             + ".m4s\n";
    return out;
  };
  auto low = parse_media_playlist(text("a"));
  auto high = parse_media_playlist(text("b"));
  CAF_REQUIRE(low && high);
  for (size_t i = 0; i < 300; ++i) {
    CAF_CHECK_EQUAL(low->segments[i].begin_ms, high->segments[i].begin_ms);
    CAF_CHECK_EQUAL(low->segments[i].end_ms, high->segments[i].end_ms);
  }
  CAF_CHECK_EQUAL(low->segments.back().end_ms, 1'201'200);
}

CAF_TEST(anything else is not a media playlist) {
  for (auto bad : {"", "#EXTINF:4,\nseg.m4s\n", "#EXTM3U\n#EXTINF:,\nx\n",
                   "#EXTM3U\n#EXTINF:abc,\nx\n", "#EXTM3U\n#EXTINF:4\n",
                   "#EXTM3U\nseg_00000.m4s\n",
                   "#EXTM3U\n#EXTINF:4,\n#EXTINF:4,\nx\n",
                   "#EXTM3U\n#EXTINF:-4,\nx\n",
                   "#EXTM3U\n#EXTINF:99999999999999999999,\nx\n"}) {
    CAF_MESSAGE("parsing " << bad);
    CAF_CHECK(!parse_media_playlist(bad));
  }
  auto empty = parse_media_playlist("#EXTM3U\n#EXT-X-ENDLIST\n");
  CAF_REQUIRE(empty);
  CAF_CHECK(empty->segments.empty());
}
