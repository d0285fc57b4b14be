#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/media_probe.hpp"
#include "actors/catalog/messages.hpp"

namespace streamify::catalog {

struct transcode_settings {
  media_tools tools;
  int segment_seconds = 4;
  int nice = 19; // FFmpeg's niceness: heartbeats first
  // Set when the catalog role stops: a running FFmpeg is killed and the
  // video stays processing for the next start.
  std::shared_ptr<std::atomic<bool>> cancel
    = std::make_shared<std::atomic<bool>>(false);
};

// Makes the HLS ladder of one stored video in hls_dir(paths, id).tmp with
// one FFmpeg run at `settings.nice` and renames it into hls_dir(paths, id) when
// complete (master.m3u8 written last). `on_percent` hears how far it is.
// Blocking for as long as the encode takes: detached actors only.
transcode_result make_ladder(const storage_paths& paths,
                             const transcode_job& job,
                             const transcode_settings& settings,
                             const std::function<void(int32_t)>& on_percent);

} // namespace streamify::catalog
