#pragma once

#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/media_probe.hpp"
#include "actors/catalog/messages.hpp"

namespace streamify::catalog {

// Probes uploads and writes thumbnails, one at a time; nodes spawn it
// detached (ffprobe and ffmpeg block for seconds).
media_worker_actor::behavior_type media_worker(media_worker_actor::pointer self,
                                               storage_paths paths,
                                               media_tools tools);

} // namespace streamify::catalog
