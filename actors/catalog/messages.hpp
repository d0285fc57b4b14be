#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace streamify::catalog {

using get_video_atom = caf::atom_constant<caf::atom("get_video")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using video_deleted_atom = caf::atom_constant<caf::atom("vid_delete")>;
using view_counted_atom = caf::atom_constant<caf::atom("view_count")>;

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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, video_info& x) {
  return f(caf::meta::type_name("video_info"), x.id, x.owner_id,
           x.owner_display_name, x.title, x.description, x.category,
           x.price_per_minute_cents, x.duration_ms, x.status, x.failure_reason,
           x.file_name, x.mime_type, x.size_bytes, x.views, x.created_at_ms);
}

// Cross-role protocol of the catalog role (the full typed interface lives
// with the catalog actor):
//   (get_video_atom, video_id)                 -> video_info | not_found
//   (subscribe_atom, caf::actor listener)      -> void; the listener then gets
//   (video_deleted_atom, video_id)                 for every deleted video
//   (view_counted_atom, video_id, session_id)  -> void, idempotent per session

} // namespace streamify::catalog
