#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Free of CAF: the HLS ladder as data, the FFmpeg command that makes it and
// the master playlist that names it.
namespace streamify::catalog {

// One rendition to encode. `name` is its folder (240p, 360p, 720p).
struct rendition_plan {
  std::string name;
  int64_t width = 0;
  int64_t height = 0;
  int64_t video_bps = 0;   // target (-b:v); the peak (-maxrate) is 6/5 of it
  int64_t audio_bps = 0;   // AAC-LC stereo; unused without audio
  int level = 30;          // H.264 level times ten (High profile)
  bool audio = true;
  int64_t bandwidth_bps() const;
  std::string codecs() const; // e.g. avc1.64001f,mp4a.40.2
};

// What the transcoder needs to know of the source (from ffprobe).
struct source_layout {
  int64_t width = 0;  // as displayed (rotation applied)
  int64_t height = 0;
  double frame_rate = 25;
  bool audio = false;
  int64_t duration_ms = 0;
};

// The ladder rule: every rung (240p, 360p, 720p) not above the source
// height; a source below 240 lines gets one rendition at its own height
// (made even), named 240p. Widths keep the aspect ratio, rounded to even.
std::vector<rendition_plan> choose_ladder(const source_layout& src);

// The smallest H.264 level (x10) whose frame size, macroblock rate and
// bitrate limits fit; 30 at least.
int h264_level(int64_t width, int64_t height, double frame_rate,
               int64_t peak_bps);
// RFC 6381 codec string of High profile at a level (x10): avc1.64001f.
std::string avc1_codec(int level);

// The master playlist: one #EXT-X-STREAM-INF with BANDWIDTH, RESOLUTION and
// CODECS per rendition, each pointing at <name>/index.m3u8.
std::string master_playlist(const std::vector<rendition_plan>& ladder);

// The arguments after the program name of one FFmpeg run that decodes the
// source once and writes every rendition of `ladder` under `out_dir`
// (<out_dir>/<name>/index.m3u8, init file, seg_00000.m4s, ...): a keyframe
// at every `segment_seconds` and nowhere else, fMP4 segments of that length,
// VOD playlists, progress as key=value lines on stdout.
std::vector<std::string> ladder_command(const std::string& source,
                                        const std::string& out_dir,
                                        const source_layout& src,
                                        const std::vector<rendition_plan>& ladder,
                                        int segment_seconds);

// FFmpeg names the init segment of a multi-variant run init_<n>.mp4; the
// media contract says init.mp4. Returns the playlist with its EXT-X-MAP URI
// replaced by `to` and sets `from` to the URI it had (empty: no EXT-X-MAP).
std::string rename_init_uri(const std::string& playlist, const std::string& to,
                            std::string& from);

// Seconds one transcode may take before it is killed: the per-tool base
// plus ten times the source's duration (a long video takes longer).
int64_t transcode_time_limit_s(int64_t base_s, int64_t duration_ms);

// Reads FFmpeg's `-progress pipe:1` output as it arrives and tells how far
// the encode is, as a percentage of the probed duration.
class progress_reader {
public:
  explicit progress_reader(int64_t duration_ms);
  // Feeds bytes; true when a new position was read.
  bool feed(const std::string& bytes);
  // 0-99 while encoding (100 is for the finished ladder).
  int32_t percent() const;
  // How far the output reaches, in milliseconds of the video.
  int64_t out_time_ms() const { return out_time_us_ / 1000; }
  bool ended() const { return ended_; }

private:
  void line(const std::string& text);

  int64_t duration_us_;
  int64_t out_time_us_ = 0;
  bool ended_ = false;
  bool moved_ = false;
  std::string partial_;
};

} // namespace streamify::catalog
