#pragma once

#include "actors/catalog/catalog_rules.hpp"
#include "actors/catalog/messages.hpp"
#include "actors/catalog/transcoder.hpp"

namespace streamify::catalog {

// Makes HLS ladders, one video at a time; nodes spawn media.transcode-jobs
// of them detached (an encode blocks for minutes). Progress goes to the
// requester, at most once a second and only when the percentage moved.
transcode_worker_actor::behavior_type
transcode_worker(transcode_worker_actor::pointer self, storage_paths paths,
                 transcode_settings settings);

} // namespace streamify::catalog
