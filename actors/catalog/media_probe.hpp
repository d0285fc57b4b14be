#pragma once

#include <cstdint>
#include <string>

#include "actors/catalog/hls_ladder.hpp"
#include "actors/catalog/messages.hpp"

namespace streamify::catalog {

struct media_tools {
  std::string ffprobe = "ffprobe";
  std::string ffmpeg = "ffmpeg";
  int64_t timeout_s = 600; // per tool run; a stuck one is killed
};

// Runs ffprobe on a stored video for duration, codecs and size, then ffmpeg
// for a JPEG thumbnail at about 10% of the duration. Blocking: call it from a
// detached actor only.
media_facts probe_media(const std::string& video_path,
                        const std::string& thumbnail_path,
                        const media_tools& tools);

// Parses ffprobe's JSON (-show_format -show_streams).
media_facts parse_probe(const std::string& json);

// What the transcoder needs of a source, from ffprobe's JSON: the first
// video stream's size as displayed (a 90 degree rotation swaps it), its
// frame rate, whether there is audio, the duration. False without video.
bool parse_layout(const std::string& json, source_layout& out);
// Runs ffprobe for parse_layout; false when it cannot read the file.
bool probe_layout(const std::string& video_path, const media_tools& tools,
                  source_layout& out);

} // namespace streamify::catalog
