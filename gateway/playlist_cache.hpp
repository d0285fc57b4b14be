#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/media_playlist.hpp"

namespace streamify::gateway {

// Parsed media playlists by file path, shared by the HTTP threads. An entry
// is used while the file keeps its size and modification time (a ladder
// replaced in place is read again); at most `max_entries` are kept.
class playlist_cache {
public:
  explicit playlist_cache(size_t max_entries = 4096)
    : max_entries_(max_entries) {
  }

  // The playlist at `path`, or nullptr when it is missing, too large or not
  // a media playlist.
  std::shared_ptr<const media_playlist> get(const std::string& path);

private:
  struct entry {
    int64_t size = 0;
    int64_t mtime_ns = 0;
    std::shared_ptr<const media_playlist> playlist;
  };

  size_t max_entries_;
  std::mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
};

// The whole of a small text file (a playlist), at most `limit` bytes;
// nullopt when it is missing or larger.
std::optional<std::string> read_small_file(const std::string& path,
                                           int64_t limit);

constexpr int64_t playlist_limit = 4 << 20;

} // namespace streamify::gateway
