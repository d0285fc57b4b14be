#pragma once

#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/catalog/catalog_actor.hpp"

namespace streamify::catalog {

using catalog_self = catalog_actor::stateful_pointer<catalog_state>;

// One request to the next database worker; `on_value` or `on_error` runs
// with its answer.
template <class In, class OnValue, class OnError, class... Ts>
void ask_worker(catalog_self self, OnValue on_value, OnError on_error, Ts... xs) {
  auto& st = self->state;
  ++st.in_flight;
  auto w = st.workers[st.next_worker++ % st.workers.size()];
  self->request(w, st.settings.worker_timeout, xs...)
    .then(
      [self, on_value](In& x) mutable {
        --self->state.in_flight;
        on_value(x);
      },
      [self, on_error](caf::error& err) mutable {
        --self->state.in_flight;
        on_error(err);
      });
}

// Tells analytics about a video that became ready or was deleted, without
// waiting.
void report(catalog_self self, const video_info& v);

// The way of an upload: probed by a media worker, then waiting in the
// transcode queue, then its ladder made by a transcode worker, then ready
// (or failed with a reason) in the database.
void start_processing(catalog_self self, const video_info& video);
// A ready video without a ladder gets one; it stays ready whatever happens.
void start_backfill(catalog_self self, const video_info& video);
// A transcode worker's progress, written for the video's owner to see.
void record_progress(catalog_self self, const std::string& video_id,
                     int32_t percent);
// A deleted video leaves the queue (a running job runs out and its outcome
// is thrown away with the files it made).
void forget_video(catalog_self self, const std::string& video_id);

} // namespace streamify::catalog
