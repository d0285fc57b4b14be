#include "actors/catalog/hls_ladder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace streamify::catalog {

namespace {

struct rung {
  const char* name;
  int64_t height;
  int64_t video_bps;
  int64_t audio_bps;
};

constexpr rung rungs[] = {
  {"240p", 240, 400'000, 64'000},
  {"360p", 360, 800'000, 96'000},
  {"720p", 720, 2'800'000, 128'000},
};

// H.264 Annex A, table A-1: level, MaxMBPS, MaxFS, MaxBR (kbit/s, before
// High profile's factor of 1.25).
struct level_limits {
  int level;
  int64_t mbps;
  int64_t frame_mbs;
  int64_t kbps;
};

constexpr level_limits levels[] = {
  {30, 40'500, 1'620, 10'000},    {31, 108'000, 3'600, 14'000},
  {32, 216'000, 5'120, 20'000},   {40, 245'760, 8'192, 20'000},
  {41, 245'760, 8'192, 50'000},   {42, 522'240, 8'704, 50'000},
  {50, 589'824, 22'080, 135'000}, {51, 983'040, 36'864, 240'000},
};

int64_t even(double x) {
  return std::max<int64_t>(2, std::llround(x / 2.0) * 2);
}

int64_t peak_bps(const rendition_plan& r) {
  return r.video_bps * 6 / 5;
}

rendition_plan plan(const char* name, int64_t height, int64_t video_bps,
                    int64_t audio_bps, const source_layout& src) {
  rendition_plan r;
  r.name = name;
  r.height = height;
  r.width = even(static_cast<double>(src.width) * static_cast<double>(height)
                 / static_cast<double>(src.height));
  r.video_bps = video_bps;
  r.audio_bps = audio_bps;
  r.audio = src.audio;
  r.level = h264_level(r.width, r.height, src.frame_rate, peak_bps(r));
  return r;
}

std::string level_text(int level) {
  return std::to_string(level / 10) + "." + std::to_string(level % 10);
}

} // namespace

int64_t rendition_plan::bandwidth_bps() const {
  // The peak video rate, the audio, and about 10% for the fMP4 boxes.
  return (peak_bps(*this) + (audio ? audio_bps : 0)) * 11 / 10;
}

std::string rendition_plan::codecs() const {
  return avc1_codec(level) + (audio ? ",mp4a.40.2" : "");
}

std::vector<rendition_plan> choose_ladder(const source_layout& src) {
  std::vector<rendition_plan> out;
  if (src.width <= 0 || src.height <= 0)
    return out;
  for (const auto& r : rungs)
    if (r.height <= src.height)
      out.push_back(plan(r.name, r.height, r.video_bps, r.audio_bps, src));
  if (out.empty()) {
    const auto& lowest = rungs[0];
    out.push_back(plan(lowest.name, std::max<int64_t>(2, src.height & ~int64_t{1}),
                       lowest.video_bps, lowest.audio_bps, src));
  }
  return out;
}

int h264_level(int64_t width, int64_t height, double frame_rate,
               int64_t peak) {
  auto frame_mbs = ((width + 15) / 16) * ((height + 15) / 16);
  auto fps = frame_rate > 0 && std::isfinite(frame_rate) ? frame_rate : 30.0;
  auto rate = static_cast<int64_t>(std::ceil(static_cast<double>(frame_mbs) * fps));
  for (const auto& l : levels)
    if (frame_mbs <= l.frame_mbs && rate <= l.mbps
        && peak <= l.kbps * 1250) // High profile: 1.25 x MaxBR, in bit/s
      return l.level;
  return levels[std::size(levels) - 1].level;
}

std::string avc1_codec(int level) {
  char out[16];
  // profile_idc 100 (High), no constraint flags, level_idc.
  std::snprintf(out, sizeof(out), "avc1.6400%02x", level);
  return out;
}

std::string master_playlist(const std::vector<rendition_plan>& ladder) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  for (const auto& r : ladder)
    out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(r.bandwidth_bps())
           + ",RESOLUTION=" + std::to_string(r.width) + "x"
           + std::to_string(r.height) + ",CODECS=\"" + r.codecs() + "\"\n"
           + r.name + "/index.m3u8\n";
  return out;
}

std::vector<std::string> ladder_command(const std::string& source,
                                        const std::string& out_dir,
                                        const source_layout& src,
                                        const std::vector<rendition_plan>& ladder,
                                        int segment_seconds) {
  auto n = ladder.size();
  // Interlaced frames (broadcast MPEG-2) are deinterlaced at their own rate;
  // progressive ones pass through.
  std::string graph = "[0:v]bwdif=mode=send_frame:deint=interlaced,split="
                      + std::to_string(n);
  for (size_t i = 0; i < n; ++i)
    graph += "[s" + std::to_string(i) + "]";
  for (size_t i = 0; i < n; ++i)
    graph += ";[s" + std::to_string(i) + "]scale="
             + std::to_string(ladder[i].width) + ":"
             + std::to_string(ladder[i].height)
             + ",setsar=1,format=yuv420p[v" + std::to_string(i) + "]";
  std::vector<std::string> args{"-nostdin", "-hide_banner", "-v", "error",
                                "-y", "-i", source, "-filter_complex", graph};
  std::string streams;
  for (size_t i = 0; i < n; ++i) {
    args.insert(args.end(), {"-map", "[v" + std::to_string(i) + "]"});
    if (src.audio)
      args.insert(args.end(), {"-map", "0:a:0"});
    streams += (i ? " v:" : "v:") + std::to_string(i)
               + (src.audio ? ",a:" + std::to_string(i) : "")
               + ",name:" + ladder[i].name;
  }
  // A keyframe at every segment boundary and nowhere else: no scene cuts,
  // and a GOP longer than a segment so only the forced ones happen.
  auto fps = src.frame_rate > 0 && std::isfinite(src.frame_rate) ? src.frame_rate
                                                                 : 30.0;
  auto gop = std::to_string(
    2 * static_cast<int64_t>(std::ceil(fps * segment_seconds)));
  args.insert(args.end(),
              {"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
               "-g", gop, "-sc_threshold", "0", "-force_key_frames",
               "expr:gte(t,n_forced*" + std::to_string(segment_seconds) + ")"});
  for (size_t i = 0; i < n; ++i) {
    auto v = ":v:" + std::to_string(i);
    const auto& r = ladder[i];
    args.insert(args.end(),
                {"-b" + v, std::to_string(r.video_bps), "-maxrate" + v,
                 std::to_string(peak_bps(r)), "-bufsize" + v,
                 std::to_string(2 * r.video_bps), "-level" + v,
                 level_text(r.level)});
  }
  if (src.audio) {
    args.insert(args.end(), {"-c:a", "aac", "-ac", "2", "-ar", "48000"});
    for (size_t i = 0; i < n; ++i)
      args.insert(args.end(), {"-b:a:" + std::to_string(i),
                               std::to_string(ladder[i].audio_bps)});
  }
  auto seconds = std::to_string(segment_seconds);
  args.insert(args.end(),
              {"-max_muxing_queue_size", "1024", "-f", "hls", "-hls_time",
               seconds, "-hls_playlist_type", "vod", "-hls_segment_type",
               "fmp4", "-hls_flags", "independent_segments",
               "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename",
               out_dir + "/%v/seg_%05d.m4s", "-var_stream_map", streams,
               "-progress", "pipe:1", "-nostats", out_dir + "/%v/index.m3u8"});
  return args;
}

std::string rename_init_uri(const std::string& playlist, const std::string& to,
                            std::string& from) {
  from.clear();
  const std::string tag = "#EXT-X-MAP:URI=\"";
  auto at = playlist.find(tag);
  if (at == std::string::npos)
    return playlist;
  auto begin = at + tag.size();
  auto end = playlist.find('"', begin);
  if (end == std::string::npos)
    return playlist;
  from = playlist.substr(begin, end - begin);
  return playlist.substr(0, begin) + to + playlist.substr(end);
}

int64_t transcode_time_limit_s(int64_t base_s, int64_t duration_ms) {
  auto seconds = (std::max<int64_t>(0, duration_ms) + 999) / 1000;
  return base_s + 10 * seconds;
}

progress_reader::progress_reader(int64_t duration_ms)
  : duration_us_(std::max<int64_t>(0, duration_ms) * 1000) {
}

bool progress_reader::feed(const std::string& bytes) {
  moved_ = false;
  partial_ += bytes;
  size_t start = 0;
  for (auto nl = partial_.find('\n', start); nl != std::string::npos;
       nl = partial_.find('\n', start)) {
    line(partial_.substr(start, nl - start));
    start = nl + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > 4096) // no line is this long
    partial_.clear();
  return moved_;
}

void progress_reader::line(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos)
    return;
  auto key = text.substr(0, eq);
  auto value = text.substr(eq + 1);
  if (!value.empty() && value.back() == '\r')
    value.pop_back();
  if (key == "progress") {
    ended_ = ended_ || value == "end";
    return;
  }
  // Both are microseconds (out_time_ms is misnamed in FFmpeg).
  if (key != "out_time_us" && key != "out_time_ms")
    return;
  char* end = nullptr;
  auto us = std::strtoll(value.c_str(), &end, 10);
  if (end == value.c_str() || *end != '\0' || us < 0)
    return; // N/A before the first frame
  if (us != out_time_us_) {
    out_time_us_ = us;
    moved_ = true;
  }
}

int32_t progress_reader::percent() const {
  if (duration_us_ <= 0)
    return 0;
  auto p = out_time_us_ * 100 / duration_us_;
  return static_cast<int32_t>(std::clamp<int64_t>(p, 0, 99));
}

} // namespace streamify::catalog
