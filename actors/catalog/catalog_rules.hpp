#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/catalog/container_sniff.hpp"
#include "actors/catalog/messages.hpp"

namespace streamify::catalog {

// Each check returns an empty string when the value is acceptable, else a
// sentence saying what is wrong.
std::string check_title(const std::string& title);
std::string check_description(const std::string& description);
std::string check_price(int64_t cents);
// Empty becomes "general"; anything else must be one of `allowed`.
std::string check_category(std::string& category,
                           const std::vector<std::string>& allowed);
std::string check_sort(const std::string& sort);

bool valid_utf8(const std::string& s);

// Keyset pagination: the cursor names the sort and the last item's sort value
// and id, so rows added meanwhile never shift later pages.
int64_t sort_value(const video_info& video, const std::string& sort);
std::string make_cursor(const std::string& sort, const video_info& last);
bool parse_cursor(const std::string& cursor, const std::string& sort,
                  int64_t& value, std::string& id);

// Where a video's thumbnail lives, relative to the thumbnails folder.
std::string thumbnail_name(const std::string& video_id);

// The storage folders shared with the gateway (uploads) and the streaming
// role (reads): <storage.data-dir>/videos and <storage.data-dir>/thumbnails.
struct storage_paths {
  std::string videos_dir;
  std::string thumbnails_dir;
};

storage_paths storage_under(const std::string& data_dir);

// The folder of a video's HLS ladder: <videos_dir>/hls/<video_id>.
std::string hls_dir(const storage_paths& paths, const std::string& video_id);

} // namespace streamify::catalog
