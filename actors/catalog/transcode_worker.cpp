#include "actors/catalog/transcode_worker.hpp"

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace streamify::catalog {

transcode_worker_actor::behavior_type
transcode_worker(transcode_worker_actor::pointer self, storage_paths paths,
                 transcode_settings settings) {
  return {
    [self, paths, settings](transcode_atom, const transcode_job& job) {
      auto requester = caf::actor_cast<catalog_actor>(self->current_sender());
      using clock = std::chrono::steady_clock;
      auto last_sent = clock::time_point{};
      int32_t last_percent = -1;
      auto report = [&](int32_t percent) {
        auto now = clock::now();
        if (!requester || percent == last_percent
            || now - last_sent < std::chrono::seconds(1))
          return;
        last_sent = now;
        last_percent = percent;
        caf::anon_send(requester, progress_atom::value, job.video_id, percent);
      };
      return make_ladder(paths, job, settings, report);
    },
  };
}

} // namespace streamify::catalog
