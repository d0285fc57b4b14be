#define CAF_SUITE hls_ladder

#include "actors/catalog/hls_ladder.hpp"

#include <algorithm>

#include <caf/test/dsl.hpp>

#include "actors/catalog/media_probe.hpp"
#include "actors/catalog/transcode_queue.hpp"

using namespace streamify::catalog;

namespace {

source_layout source(int64_t width, int64_t height, bool audio = true,
                     double fps = 25) {
  source_layout s;
  s.width = width;
  s.height = height;
  s.audio = audio;
  s.frame_rate = fps;
  s.duration_ms = 12'000;
  return s;
}

std::vector<std::string> names(const std::vector<rendition_plan>& ladder) {
  std::vector<std::string> out;
  for (const auto& r : ladder)
    out.push_back(r.name + "=" + std::to_string(r.width) + "x"
                  + std::to_string(r.height));
  return out;
}

transcode_job job(const std::string& id, int64_t created, bool backfill = false) {
  return transcode_job{id, id + ".mp4", 1000, created, backfill};
}

bool has(const std::vector<std::string>& args, const std::string& value) {
  return std::find(args.begin(), args.end(), value) != args.end();
}

} // namespace

CAF_TEST(the ladder never goes above the source height) {
  using v = std::vector<std::string>;
  CAF_CHECK_EQUAL(names(choose_ladder(source(1920, 1080))),
                  (v{"240p=426x240", "360p=640x360", "720p=1280x720"}));
  CAF_CHECK_EQUAL(names(choose_ladder(source(1280, 720))),
                  (v{"240p=426x240", "360p=640x360", "720p=1280x720"}));
  CAF_CHECK_EQUAL(names(choose_ladder(source(854, 480))),
                  (v{"240p=428x240", "360p=640x360"}));
  CAF_CHECK_EQUAL(names(choose_ladder(source(640, 360))),
                  (v{"240p=426x240", "360p=640x360"}));
  CAF_CHECK_EQUAL(names(choose_ladder(source(320, 240))), (v{"240p=320x240"}));
  // Portrait: rungs by height, widths keep the aspect ratio, even.
  CAF_CHECK_EQUAL(names(choose_ladder(source(360, 640))),
                  (v{"240p=136x240", "360p=202x360"}));
}

CAF_TEST(a source below the lowest rung gets one rendition at its height) {
  using v = std::vector<std::string>;
  CAF_CHECK_EQUAL(names(choose_ladder(source(160, 120))), (v{"240p=160x120"}));
  CAF_CHECK_EQUAL(names(choose_ladder(source(175, 99))), (v{"240p=174x98"}));
  CAF_CHECK(choose_ladder(source(0, 0)).empty());
}

CAF_TEST(codecs follow the profile and level encoded with) {
  CAF_CHECK_EQUAL(avc1_codec(30), "avc1.64001e");
  CAF_CHECK_EQUAL(avc1_codec(31), "avc1.64001f");
  CAF_CHECK_EQUAL(avc1_codec(40), "avc1.640028");
  CAF_CHECK_EQUAL(h264_level(426, 240, 25, 480'000), 30);
  CAF_CHECK_EQUAL(h264_level(640, 360, 30, 960'000), 30);
  CAF_CHECK_EQUAL(h264_level(640, 360, 60, 960'000), 31);
  CAF_CHECK_EQUAL(h264_level(1280, 720, 30, 3'360'000), 31);
  CAF_CHECK_EQUAL(h264_level(1280, 720, 60, 3'360'000), 32);
  auto ladder = choose_ladder(source(1280, 720, true, 30));
  CAF_CHECK_EQUAL(ladder[2].codecs(), "avc1.64001f,mp4a.40.2");
  auto silent = choose_ladder(source(1280, 720, false, 30));
  CAF_CHECK_EQUAL(silent[2].codecs(), "avc1.64001f");
}

CAF_TEST(the master playlist names every rendition with its limits) {
  auto ladder = choose_ladder(source(854, 480));
  auto text = master_playlist(ladder);
  CAF_CHECK_EQUAL(
    text, "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=598400,RESOLUTION=428x240,"
          "CODECS=\"avc1.64001e,mp4a.40.2\"\n240p/index.m3u8\n"
          "#EXT-X-STREAM-INF:BANDWIDTH=1161600,RESOLUTION=640x360,"
          "CODECS=\"avc1.64001e,mp4a.40.2\"\n360p/index.m3u8\n");
  CAF_CHECK_EQUAL(ladder[0].bandwidth_bps(), 598'400);
  auto silent = master_playlist(choose_ladder(source(160, 120, false)));
  CAF_CHECK(silent.find("BANDWIDTH=528000,RESOLUTION=160x120,"
                        "CODECS=\"avc1.64001e\"\n240p/index.m3u8\n")
            != std::string::npos);
}

CAF_TEST(one ffmpeg run encodes every rendition with aligned keyframes) {
  auto ladder = choose_ladder(source(854, 480));
  auto args = ladder_command("in.mp4", "out", source(854, 480), ladder, 4);
  CAF_CHECK(has(args, "[0:v]bwdif=mode=send_frame:deint=interlaced,split=2"
                      "[s0][s1];[s0]scale=428:240,setsar=1,"
                      "format=yuv420p[v0];[s1]scale=640:360,setsar=1,"
                      "format=yuv420p[v1]"));
  CAF_CHECK(has(args, "v:0,a:0,name:240p v:1,a:1,name:360p"));
  CAF_CHECK(has(args, "expr:gte(t,n_forced*4)"));
  CAF_CHECK(has(args, "-sc_threshold"));
  CAF_CHECK(has(args, "veryfast"));
  CAF_CHECK(has(args, "fmp4"));
  CAF_CHECK(has(args, "out/%v/index.m3u8"));
  CAF_CHECK(has(args, "-level:v:1"));
  auto silent = ladder_command("in.mp4", "out", source(854, 480, false), ladder, 6);
  CAF_CHECK(has(silent, "v:0,name:240p v:1,name:360p"));
  CAF_CHECK(!has(silent, "0:a:0"));
  CAF_CHECK(has(silent, "expr:gte(t,n_forced*6)"));
}

CAF_TEST(the init segment gets the contract name) {
  std::string from;
  auto text = rename_init_uri("#EXTM3U\n#EXT-X-MAP:URI=\"init_1.mp4\"\n"
                              "#EXTINF:4.000000,\nseg_00000.m4s\n",
                              "init.mp4", from);
  CAF_CHECK_EQUAL(from, "init_1.mp4");
  CAF_CHECK_EQUAL(text, "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n"
                        "#EXTINF:4.000000,\nseg_00000.m4s\n");
  rename_init_uri("#EXTM3U\n", "init.mp4", from);
  CAF_CHECK(from.empty());
}

CAF_TEST(progress is read from ffmpeg progress lines) {
  progress_reader p{10'000};
  CAF_CHECK(!p.feed("frame=0\nout_time_us=N/A\nout_time_ms=N/A\n"));
  CAF_CHECK_EQUAL(p.percent(), 0);
  CAF_CHECK(!p.feed("frame=50\nout_time_us=2500"));
  CAF_CHECK(p.feed("000\nout_time_ms=2500000\nprogress=continue\n"));
  CAF_CHECK_EQUAL(p.percent(), 25);
  CAF_CHECK(p.feed("out_time_ms=7000000\r\n"));
  CAF_CHECK_EQUAL(p.percent(), 70);
  CAF_CHECK(!p.ended());
  CAF_CHECK(p.feed("out_time_us=10040000\nprogress=end\n"));
  CAF_CHECK_EQUAL(p.percent(), 99);
  CAF_CHECK(p.ended());
  progress_reader unknown{0};
  unknown.feed("out_time_us=5000000\n");
  CAF_CHECK_EQUAL(unknown.percent(), 0);
}

CAF_TEST(a transcode may take longer for a longer video) {
  CAF_CHECK_EQUAL(transcode_time_limit_s(600, 0), 600);
  CAF_CHECK_EQUAL(transcode_time_limit_s(600, 12'000), 720);
  CAF_CHECK_EQUAL(transcode_time_limit_s(600, 600'001), 6610);
}

CAF_TEST(the probe gives the displayed size frame rate and audio) {
  source_layout s;
  CAF_REQUIRE(parse_layout(
    R"({"streams":[{"codec_type":"video","width":1920,"height":1080,
        "avg_frame_rate":"30000/1001","side_data_list":[{"rotation":-90}]},
       {"codec_type":"audio"}],"format":{"duration":"12.500"}})", s));
  CAF_CHECK_EQUAL(s.width, 1080);
  CAF_CHECK_EQUAL(s.height, 1920);
  CAF_CHECK(s.frame_rate > 29.96 && s.frame_rate < 29.98);
  CAF_CHECK(s.audio);
  CAF_CHECK_EQUAL(s.duration_ms, 12'500);
  CAF_CHECK(parse_layout(R"({"streams":[{"codec_type":"video","width":160,
        "height":120,"avg_frame_rate":"0/0","r_frame_rate":"15/1"}]})", s));
  CAF_CHECK(!s.audio);
  CAF_CHECK_EQUAL(s.frame_rate, 15.0);
  CAF_CHECK(!parse_layout(R"({"streams":[{"codec_type":"audio"}]})", s));
  CAF_CHECK(!parse_layout("garbage", s));
}

CAF_TEST(the transcode queue keeps upload order and its bound) {
  transcode_queue q{1};
  CAF_CHECK(q.push(job("old", 5, true)));
  CAF_CHECK(q.push(job("b", 20)));
  CAF_CHECK(q.push(job("a", 10)));
  CAF_CHECK(!q.push(job("a", 10)));
  auto first = q.next();
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(first->video_id, "a");
  CAF_CHECK(!q.next()); // one slot, taken
  CAF_CHECK(!q.push(job("a", 10)));
  CAF_CHECK(q.is_running("a"));
  CAF_CHECK_EQUAL(q.waiting(), 2u);
  q.finish("a");
  auto second = q.next(); // CAF_CHECK_EQUAL keeps a reference to its operands
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(second->video_id, "b");
  q.finish("b");
  auto third = q.next();
  CAF_REQUIRE(third);
  CAF_CHECK_EQUAL(third->video_id, "old"); // backfills after uploads
  transcode_queue two{2};
  for (auto id : {"x", "y", "z"})
    two.push(job(id, 1));
  CAF_CHECK(two.next());
  CAF_CHECK(two.next());
  CAF_CHECK(!two.next());
  CAF_CHECK_EQUAL(two.running(), 2u);
  two.drop("z");
  two.finish("x");
  CAF_CHECK(!two.next());
}
