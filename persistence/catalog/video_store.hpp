#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace streamify::persistence {

// One rendition of a video's HLS ladder (media contract: folder `name`).
struct rendition_row {
  std::string name;
  int64_t width = 0;
  int64_t height = 0;
  int64_t bandwidth_bps = 0;
};

struct video_row {
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
  std::string video_codec;
  std::string audio_codec;
  int64_t width = 0;
  int64_t height = 0;
  std::vector<rendition_row> renditions; // empty until a ladder is made
  int32_t processing_progress = 0; // 0-100 while processing
};

// One page request, already validated. `after_*` is the keyset position of
// the previous page's last row (has_after false on the first page).
struct video_filter {
  std::string q;        // substring of title or description, any case
  std::string category; // empty: all
  std::string sort;     // new, popular, price_asc, price_desc
  std::string owner_id; // empty: ready videos of everyone; else this owner's
  int64_t limit = 20;
  bool has_after = false;
  int64_t after_value = 0;
  std::string after_id;
};

struct media_update {
  bool ok = false;
  std::string failure_reason;
  int64_t duration_ms = 0;
  std::string video_codec;
  std::string audio_codec;
  int64_t width = 0;
  int64_t height = 0;
  std::vector<rendition_row> renditions; // the ladder when ok
};

// Where the catalog role keeps its videos. The PostgreSQL repository serves
// nodes; the in-memory store serves actor tests.
class video_store {
public:
  virtual ~video_store() = default;

  virtual void insert(const video_row& row) = 0;
  // Any status but deleted.
  virtual std::optional<video_row> find(const std::string& id) = 0;
  virtual std::vector<video_row> list(const video_filter& filter) = 0;
  // Writes title, description, category and price of a live video.
  virtual void update_details(const video_row& row) = 0;
  // Ends processing (ready or failed); false when the video is no longer
  // processing (deleted meanwhile).
  virtual bool finish_processing(const std::string& id,
                                 const media_update& media) = 0;
  // Records how far transcoding is (0-100); false when the video is no
  // longer processing.
  virtual bool set_progress(const std::string& id, int32_t percent) = 0;
  // Gives a ready video that had none its ladder; false when it is not
  // ready (deleted meanwhile).
  virtual bool set_renditions(const std::string& id,
                              const std::vector<rendition_row>& ladder) = 0;
  // Marks a live video deleted; false when there was none.
  virtual bool mark_deleted(const std::string& id) = 0;
  // Counts a view once per (video, session); true when it was new.
  virtual bool count_view(const std::string& video_id,
                          const std::string& session_id) = 0;
  // Videos left processing (by a node that stopped mid-way), oldest first.
  virtual std::vector<video_row> list_processing() = 0;
  // Ready videos without a ladder (made ready before transcoding existed),
  // oldest first.
  virtual std::vector<video_row> list_without_ladder() = 0;
  virtual void ping() = 0;
};

} // namespace streamify::persistence
