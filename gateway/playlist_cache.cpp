#include "gateway/playlist_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace streamify::gateway {

namespace {

int64_t mtime_ns(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000
         + info.st_mtim.tv_nsec;
}

} // namespace

std::optional<std::string> read_small_file(const std::string& path,
                                           int64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  struct stat info {};
  std::optional<std::string> out;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)
      && info.st_size <= limit) {
    std::string text(static_cast<size_t>(info.st_size), '\0');
    size_t got = 0;
    while (got < text.size()) {
      auto n = ::read(fd, text.data() + got, text.size() - got);
      if (n <= 0)
        break;
      got += static_cast<size_t>(n);
    }
    if (got == text.size())
      out = std::move(text);
  }
  ::close(fd);
  return out;
}

std::shared_ptr<const media_playlist>
playlist_cache::get(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return nullptr;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = entries_.find(path);
    if (i != entries_.end() && i->second.size == info.st_size
        && i->second.mtime_ns == mtime_ns(info))
      return i->second.playlist;
  }
  auto text = read_small_file(path, playlist_limit);
  if (!text)
    return nullptr;
  auto parsed = parse_media_playlist(*text);
  if (!parsed)
    return nullptr;
  auto playlist = std::make_shared<const media_playlist>(std::move(*parsed));
  std::lock_guard<std::mutex> guard{mtx_};
  if (entries_.size() >= max_entries_)
    entries_.clear();
  entries_[path] = entry{info.st_size, mtime_ns(info), playlist};
  return playlist;
}

} // namespace streamify::gateway
