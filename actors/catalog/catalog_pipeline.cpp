#include "actors/catalog/catalog_pipeline.hpp"

#include "actors/analytics/messages.hpp"
#include "actors/catalog/hls_ladder.hpp"

namespace streamify::catalog {

namespace {

void record_media(catalog_self self, const std::string& id, media_facts facts,
                  std::vector<rendition_info> renditions) {
  auto& st = self->state;
  --st.processing;
  ++(facts.ok ? st.processed_total : st.failed_total);
  ask_worker<video_info>(
    self,
    [self](video_info& v) {
      if (v.status == "ready")
        report(self, v);
    },
    [](caf::error&) {}, media_done_atom::value, id, std::move(facts),
    std::move(renditions));
}

void pump(catalog_self self);

void transcoded(catalog_self self, const transcode_job& job,
                transcode_result result) {
  auto& st = self->state;
  if (job.backfill) {
    if (result.ok)
      ask_worker<bool>(
        self, [](bool) {}, [](caf::error&) {}, ladder_done_atom::value,
        job.video_id, std::move(result.renditions));
    return;
  }
  auto i = st.probed.find(job.video_id);
  if (i == st.probed.end())
    return;
  auto facts = std::move(i->second);
  st.probed.erase(i);
  if (result.cancelled) {
    --st.processing; // the node is stopping; the next start redoes it
    return;
  }
  if (!result.ok) {
    facts.ok = false;
    facts.failure_reason = std::move(result.failure_reason);
  }
  record_media(self, job.video_id, std::move(facts),
               std::move(result.renditions));
}

void pump(catalog_self self) {
  auto& st = self->state;
  while (!st.idle_transcoders.empty()) {
    auto job = st.transcodes.next();
    if (!job)
      return;
    auto worker = st.idle_transcoders.back();
    st.idle_transcoders.pop_back();
    auto media_s = std::chrono::duration_cast<std::chrono::seconds>(
                     st.settings.media_timeout)
                     .count();
    // The worker kills FFmpeg at this limit; the margin lets it clean up.
    auto limit = std::chrono::seconds(
      transcode_time_limit_s(media_s, job->duration_ms) + 60);
    auto finish = [self, worker, job = *job](transcode_result result) {
      self->state.idle_transcoders.push_back(worker);
      self->state.transcodes.finish(job.video_id);
      transcoded(self, job, std::move(result));
      pump(self);
    };
    self->request(worker, limit, transcode_atom::value, *job)
      .then([finish](transcode_result& r) mutable { finish(std::move(r)); },
            [finish](caf::error&) mutable {
              transcode_result r;
              r.failure_reason = "processing did not finish in time";
              finish(std::move(r));
            });
  }
}

} // namespace

void report(catalog_self self, const video_info& v) {
  analytics::activity_event event;
  event.kind = "video";
  event.id = v.id;
  event.owner_id = v.owner_id;
  event.title = v.title;
  event.duration_ms = v.duration_ms;
  event.gone = v.status == "deleted";
  analytics::track(self->system(), std::move(event));
}

void start_processing(catalog_self self, const video_info& video) {
  auto& st = self->state;
  if (st.media.empty())
    return;
  ++st.processing;
  auto m = st.media[st.next_media++ % st.media.size()];
  auto id = video.id;
  transcode_job job{video.id, video.file_name, 0, video.created_at_ms, false};
  self->request(m, st.settings.media_timeout, process_atom::value, video.id,
                video.file_name)
    .then(
      [self, job](media_facts& facts) mutable {
        if (!facts.ok) {
          record_media(self, job.video_id, std::move(facts), {});
          return;
        }
        job.duration_ms = facts.duration_ms;
        self->state.probed[job.video_id] = std::move(facts);
        self->state.transcodes.push(job);
        pump(self);
      },
      [self, id](caf::error&) {
        media_facts facts;
        facts.failure_reason = "processing did not finish in time";
        record_media(self, id, facts, {});
      });
}

void start_backfill(catalog_self self, const video_info& video) {
  self->state.transcodes.push(transcode_job{video.id, video.file_name,
                                            video.duration_ms,
                                            video.created_at_ms, true});
  pump(self);
}

void record_progress(catalog_self self, const std::string& video_id,
                     int32_t percent) {
  auto& st = self->state;
  if (!st.transcodes.is_running(video_id) || st.probed.count(video_id) == 0)
    return; // a backfill (the video is ready) or a job no longer running
  ask_worker<bool>(
    self, [](bool) {}, [](caf::error&) {}, progress_atom::value, video_id,
    percent);
}

void forget_video(catalog_self self, const std::string& video_id) {
  auto& st = self->state;
  if (st.transcodes.is_running(video_id))
    return; // its outcome finds the video deleted and is thrown away
  st.transcodes.drop(video_id);
  if (st.probed.erase(video_id) > 0)
    --st.processing;
}

} // namespace streamify::catalog
