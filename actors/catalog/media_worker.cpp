#include "actors/catalog/media_worker.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace streamify::catalog {

media_worker_actor::behavior_type media_worker(media_worker_actor::pointer,
                                               storage_paths paths,
                                               media_tools tools) {
  return {
    [paths, tools](process_atom, const std::string& video_id,
                   const std::string& file_name) {
      return probe_media(paths.videos_dir + "/" + file_name,
                         paths.thumbnails_dir + "/" + thumbnail_name(video_id),
                         tools);
    },
  };
}

} // namespace streamify::catalog
