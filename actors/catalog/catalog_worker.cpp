#include "actors/catalog/catalog_worker.hpp"

#include <cstdio>
#include <filesystem>

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/errc.hpp"
#include "actors/common/guarded.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::catalog {

namespace {

constexpr const char* db = "the video database";

using self_ptr = catalog_worker_actor::stateful_pointer<catalog_worker_state>;

caf::error not_found() {
  return fail(errc::not_found, "video_not_found", "no such video");
}

caf::error not_owner() {
  return fail(errc::forbidden, "not_owner", "only the video's owner may do this");
}

persistence::video_row to_row(const video_info& v) {
  persistence::video_row r;
  r.id = v.id;
  r.owner_id = v.owner_id;
  r.owner_display_name = v.owner_display_name;
  r.title = v.title;
  r.description = v.description;
  r.category = v.category;
  r.price_per_minute_cents = v.price_per_minute_cents;
  r.duration_ms = v.duration_ms;
  r.status = v.status;
  r.failure_reason = v.failure_reason;
  r.file_name = v.file_name;
  r.mime_type = v.mime_type;
  r.size_bytes = v.size_bytes;
  r.views = v.views;
  r.created_at_ms = v.created_at_ms;
  return r;
}

std::vector<persistence::rendition_row>
to_rows(const std::vector<rendition_info>& ladder) {
  std::vector<persistence::rendition_row> out;
  for (const auto& x : ladder)
    out.push_back({x.name, x.width, x.height, x.bandwidth_bps});
  return out;
}

// The ladder and a half-made one (media contract: <id>.tmp beside it).
void remove_ladder(const storage_paths& paths, const std::string& id) {
  std::error_code ignored;
  std::filesystem::remove_all(hls_dir(paths, id), ignored);
  std::filesystem::remove_all(hls_dir(paths, id) + ".tmp", ignored);
}

} // namespace

video_info to_video_info(const persistence::video_row& r) {
  std::vector<rendition_info> ladder;
  for (const auto& x : r.renditions)
    ladder.push_back({x.name, x.width, x.height, x.bandwidth_bps});
  return video_info{r.id,          r.owner_id,
                    r.owner_display_name, r.title,
                    r.description, r.category,
                    r.price_per_minute_cents, r.duration_ms,
                    r.status,      r.failure_reason,
                    r.file_name,   r.mime_type,
                    r.size_bytes,  r.views,
                    r.created_at_ms, std::move(ladder),
                    r.processing_progress};
}

catalog_worker_actor::behavior_type
catalog_worker(self_ptr self, std::shared_ptr<persistence::video_store> store,
               storage_paths paths) {
  self->state.store = std::move(store);
  self->state.paths = std::move(paths);
  auto owned = [self](const std::string& id, const std::string& requester)
    -> caf::expected<persistence::video_row> {
    auto row = self->state.store->find(id);
    if (!row)
      return not_found();
    if (row->owner_id != requester)
      return not_owner();
    return std::move(*row);
  };
  self->state.stats
    = actor_stats::node().enroll("catalog_worker", std::to_string(self->id()));
  return {
    [self](get_video_atom, const std::string& id) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      return guarded<video_info>(db, [&]() -> caf::result<video_info> {
        auto row = self->state.store->find(id);
        if (!row)
          return not_found();
        return to_video_info(*row);
      });
    },
    [self](create_video_atom, video_info& video) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      return guarded<video_info>(db, [&]() -> caf::result<video_info> {
        self->state.store->insert(to_row(video));
        return video;
      });
    },
    [self](list_videos_atom,
           const video_query& q) -> caf::result<std::vector<video_info>> {
      record_message(self->state.stats, self);
      return guarded<std::vector<video_info>>(db,
        [&]() -> caf::result<std::vector<video_info>> {
          persistence::video_filter f;
          f.q = q.q;
          f.category = q.category;
          f.sort = q.sort;
          f.owner_id = q.owner_id;
          f.limit = q.limit;
          f.has_after = !q.cursor.empty()
                        && parse_cursor(q.cursor, q.sort, f.after_value,
                                        f.after_id);
          std::vector<video_info> out;
          for (const auto& row : self->state.store->list(f))
            out.push_back(to_video_info(row));
          return out;
        });
    },
    [self, owned](update_video_atom,
                  const video_update& u) -> caf::result<video_info> {
      return guarded<video_info>(db, [&]() -> caf::result<video_info> {
        auto row = owned(u.video_id, u.requester_id);
        if (!row)
          return row.error();
        if (u.title)
          row->title = *u.title;
        if (u.description)
          row->description = *u.description;
        if (u.price_per_minute_cents)
          row->price_per_minute_cents = *u.price_per_minute_cents;
        if (u.category)
          row->category = *u.category;
        self->state.store->update_details(*row);
        return to_video_info(*row);
      });
    },
    [self, owned](delete_video_atom, const std::string& id,
                  const std::string& requester) -> caf::result<video_info> {
      return guarded<video_info>(db, [&]() -> caf::result<video_info> {
        auto row = owned(id, requester);
        if (!row)
          return row.error();
        if (!self->state.store->mark_deleted(id))
          return not_found();
        const auto& paths = self->state.paths;
        std::remove((paths.videos_dir + "/" + row->file_name).c_str());
        std::remove((paths.thumbnails_dir + "/" + thumbnail_name(id)).c_str());
        remove_ladder(paths, id);
        row->status = "deleted";
        return to_video_info(*row);
      });
    },
    [self](media_done_atom, const std::string& id, const media_facts& facts,
           const std::vector<rendition_info>& ladder) -> caf::result<video_info> {
      record_message(self->state.stats, self);
      return guarded<video_info>(db, [&]() -> caf::result<video_info> {
        persistence::media_update m{facts.ok,          facts.failure_reason,
                                    facts.duration_ms, facts.video_codec,
                                    facts.audio_codec, facts.width,
                                    facts.height,      to_rows(ladder)};
        auto& st = self->state;
        if (!st.store->finish_processing(id, m)) {
          // Deleted while being processed: its files must not linger.
          std::remove((st.paths.thumbnails_dir + "/" + thumbnail_name(id)).c_str());
          remove_ladder(st.paths, id);
          return not_found();
        }
        auto row = st.store->find(id);
        if (!row)
          return not_found();
        return to_video_info(*row);
      });
    },
    [self](progress_atom, const std::string& id,
           int32_t percent) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        return self->state.store->set_progress(id, percent);
      });
    },
    [self](ladder_done_atom, const std::string& id,
           const std::vector<rendition_info>& ladder) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        auto& st = self->state;
        if (st.store->set_renditions(id, to_rows(ladder)))
          return true;
        remove_ladder(st.paths, id); // deleted while it was made
        return false;
      });
    },
    [self](backfill_atom) -> caf::result<std::vector<video_info>> {
      record_message(self->state.stats, self);
      return guarded<std::vector<video_info>>(db,
        [&]() -> caf::result<std::vector<video_info>> {
          std::vector<video_info> out;
          for (const auto& row : self->state.store->list_without_ladder())
            out.push_back(to_video_info(row));
          return out;
        });
    },
    [self](view_counted_atom, const std::string& video_id,
           const std::string& session_id) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        return self->state.store->count_view(video_id, session_id);
      });
    },
    [self](resume_atom) -> caf::result<std::vector<video_info>> {
      record_message(self->state.stats, self);
      return guarded<std::vector<video_info>>(db,
        [&]() -> caf::result<std::vector<video_info>> {
          std::vector<video_info> out;
          for (const auto& row : self->state.store->list_processing())
            out.push_back(to_video_info(row));
          return out;
        });
    },
    [self](ping_atom) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        self->state.store->ping();
        return true;
      });
    },
  };
}

} // namespace streamify::catalog
