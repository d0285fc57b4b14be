#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/messages.hpp"

namespace streamify::catalog {

using get_video_atom = caf::atom_constant<caf::atom("get_video")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using video_deleted_atom = caf::atom_constant<caf::atom("vid_delete")>;
using view_counted_atom = caf::atom_constant<caf::atom("view_count")>;

// One rendition of a video's HLS ladder: the folder
// hls/<video_id>/<name>/ (media contract) and what the master playlist says.
struct rendition_info {
  std::string name; // 240p, 360p, 720p
  int64_t width = 0;
  int64_t height = 0;
  int64_t bandwidth_bps = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rendition_info& x) {
  return f(caf::meta::type_name("rendition_info"), x.name, x.width, x.height,
           x.bandwidth_bps);
}

// One video as other roles see it. `file_name` is relative to the shared
// storage folder (storage.data-dir/videos).
struct video_info {
  std::string id;
  std::string owner_id;
  std::string owner_display_name;
  std::string title;
  std::string description;
  std::string category;
  int64_t price_per_minute_cents = 0;
  int64_t duration_ms = 0;
  std::string status; // processing, ready, failed, deleted
  std::string failure_reason;
  std::string file_name;
  std::string mime_type;
  int64_t size_bytes = 0;
  int64_t views = 0;
  int64_t created_at_ms = 0;
  std::vector<rendition_info> renditions; // empty until the ladder is made
  int32_t processing_progress = 0;        // 0-100 while processing
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_info& x) {
  return f(caf::meta::type_name("video_info"), x.id, x.owner_id,
           x.owner_display_name, x.title, x.description, x.category,
           x.price_per_minute_cents, x.duration_ms, x.status, x.failure_reason,
           x.file_name, x.mime_type, x.size_bytes, x.views, x.created_at_ms,
           x.renditions, x.processing_progress);
}

// A creator's upload whose file already lies in the storage folder.
struct new_video {
  std::string owner_id;
  std::string owner_display_name;
  std::string title;
  std::string description;
  std::string category;
  int64_t price_per_minute_cents = 0;
  std::string file_name;
  std::string mime_type;
  int64_t size_bytes = 0;
};

// List and search. An empty owner_id lists ready videos for everyone; a set
// one lists that owner's videos in any status (deleted ones excepted).
struct video_query {
  std::string q;
  std::string category;
  std::string sort = "new"; // new, popular, price_asc, price_desc
  int64_t limit = 20;
  std::string cursor;
  std::string owner_id;
};

struct video_page {
  std::vector<video_info> items;
  std::string next_cursor; // empty on the last page
};

// PATCH by `requester_id`; unset fields stay as they are.
struct video_update {
  std::string video_id;
  std::string requester_id;
  caf::optional<std::string> title;
  caf::optional<std::string> description;
  caf::optional<int64_t> price_per_minute_cents;
  caf::optional<std::string> category;
};

// What ffprobe found and whether a thumbnail was written.
struct media_facts {
  bool ok = false;
  std::string failure_reason;
  int64_t duration_ms = 0;
  std::string video_codec;
  std::string audio_codec;
  int64_t width = 0;
  int64_t height = 0;
};

// One video to transcode into its HLS ladder. A backfill is a ready video
// that has none yet; it stays ready whatever happens.
struct transcode_job {
  std::string video_id;
  std::string file_name;
  int64_t duration_ms = 0;
  int64_t created_at_ms = 0;
  bool backfill = false;
};

// The ladder made, or why not. `cancelled`: the node is stopping, the video
// is transcoded again when it starts.
struct transcode_result {
  bool ok = false;
  bool cancelled = false;
  std::string failure_reason;
  std::vector<rendition_info> renditions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transcode_job& x) {
  return f(caf::meta::type_name("transcode_job"), x.video_id, x.file_name,
           x.duration_ms, x.created_at_ms, x.backfill);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transcode_result& x) {
  return f(caf::meta::type_name("transcode_result"), x.ok, x.cancelled,
           x.failure_reason, x.renditions);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_video& x) {
  return f(caf::meta::type_name("new_video"), x.owner_id, x.owner_display_name,
           x.title, x.description, x.category, x.price_per_minute_cents,
           x.file_name, x.mime_type, x.size_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_query& x) {
  return f(caf::meta::type_name("video_query"), x.q, x.category, x.sort,
           x.limit, x.cursor, x.owner_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_page& x) {
  return f(caf::meta::type_name("video_page"), x.items, x.next_cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_update& x) {
  return f(caf::meta::type_name("video_update"), x.video_id, x.requester_id,
           x.title, x.description, x.price_per_minute_cents, x.category);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, media_facts& x) {
  return f(caf::meta::type_name("media_facts"), x.ok, x.failure_reason,
           x.duration_ms, x.video_codec, x.audio_codec, x.width, x.height);
}

using create_video_atom = caf::atom_constant<caf::atom("vid_create")>;
using list_videos_atom = caf::atom_constant<caf::atom("vid_list")>;
using update_video_atom = caf::atom_constant<caf::atom("vid_update")>;
using delete_video_atom = caf::atom_constant<caf::atom("vid_remove")>;
using process_atom = caf::atom_constant<caf::atom("vid_probe")>;
using media_done_atom = caf::atom_constant<caf::atom("vid_media")>;
using resume_atom = caf::atom_constant<caf::atom("vid_resume")>;
using transcode_atom = caf::atom_constant<caf::atom("vid_hls")>;
using progress_atom = caf::atom_constant<caf::atom("vid_prog")>;
using ladder_done_atom = caf::atom_constant<caf::atom("vid_ladder")>;
using backfill_atom = caf::atom_constant<caf::atom("vid_backf")>;

// The catalog role as other roles and the gateway see it.
//   (get_video_atom, video_id)                 -> video_info | not_found
//       any status but deleted, for other roles
//   (get_video_atom, video_id, requester_id)   -> video_info | not_found
//       ready ones for everyone, any status for the owner (gateway)
//   (subscribe_atom, caf::actor listener)      -> void; the listener then gets
//   (video_deleted_atom, video_id)                 for every deleted video
//   (view_counted_atom, video_id, session_id)  -> void, idempotent per session
//   (delete_video_atom, video_id, requester_id) -> true | forbidden | not_found
//   (progress_atom, video_id, percent)         -> void, from transcode workers
using catalog_actor = caf::typed_actor<
  caf::replies_to<get_video_atom, std::string>::with<video_info>,
  caf::replies_to<get_video_atom, std::string, std::string>::with<video_info>,
  caf::reacts_to<subscribe_atom, caf::actor>,
  caf::reacts_to<view_counted_atom, std::string, std::string>,
  caf::replies_to<create_video_atom, new_video>::with<video_info>,
  caf::replies_to<list_videos_atom, video_query>::with<video_page>,
  caf::replies_to<update_video_atom, video_update>::with<video_info>,
  caf::replies_to<delete_video_atom, std::string, std::string>::with<bool>,
  caf::reacts_to<progress_atom, std::string, int32_t>,
  caf::replies_to<status_atom>::with<role_status>>;

// Blocking database and file work of the catalog role, one request at a time.
// Requests arrive validated; ownership is checked here against the row.
using catalog_worker_actor = caf::typed_actor<
  caf::replies_to<get_video_atom, std::string>::with<video_info>,
  caf::replies_to<create_video_atom, video_info>::with<video_info>,
  caf::replies_to<list_videos_atom, video_query>::with<std::vector<video_info>>,
  caf::replies_to<update_video_atom, video_update>::with<video_info>,
  caf::replies_to<delete_video_atom, std::string, std::string>::with<video_info>,
  caf::replies_to<media_done_atom, std::string, media_facts,
                  std::vector<rendition_info>>::with<video_info>,
  caf::replies_to<progress_atom, std::string, int32_t>::with<bool>,
  caf::replies_to<ladder_done_atom, std::string,
                  std::vector<rendition_info>>::with<bool>,
  caf::replies_to<backfill_atom>::with<std::vector<video_info>>,
  caf::replies_to<view_counted_atom, std::string, std::string>::with<bool>,
  caf::replies_to<resume_atom>::with<std::vector<video_info>>,
  caf::replies_to<ping_atom>::with<bool>>;

// Probes one stored file and writes its thumbnail (ffprobe, ffmpeg).
using media_worker_actor = caf::typed_actor<
  caf::replies_to<process_atom, std::string, std::string>::with<media_facts>>;

// Makes one video's HLS ladder (ffmpeg), telling the sender how far it is
// with (progress_atom, video_id, percent) at most once a second.
using transcode_worker_actor = caf::typed_actor<
  caf::replies_to<transcode_atom, transcode_job>::with<transcode_result>>;

} // namespace streamify::catalog
