#include "actors/billing/shard_map.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace streamify::billing {

namespace {

// FNV-1a over the shard name, a separator and the user id, then the
// splitmix64 finaliser: defined here, so every build and platform agrees.
uint64_t score(std::string_view shard, std::string_view user) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (unsigned char c : shard)
    mix(c);
  mix(0);
  for (unsigned char c : user)
    mix(c);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

} // namespace

shard_map::shard_map() : names_{""} {
}

shard_map::shard_map(std::vector<std::string> names) : names_(std::move(names)) {
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  if (names_.empty())
    throw std::invalid_argument("a shard map needs at least one shard");
}

size_t shard_map::index_of(std::string_view name) const {
  auto i = std::lower_bound(names_.begin(), names_.end(), name);
  return i != names_.end() && *i == name
           ? static_cast<size_t>(i - names_.begin())
           : names_.size();
}

size_t shard_map::owner(std::string_view user_id) const {
  size_t best = 0;
  uint64_t best_score = 0;
  for (size_t i = 0; i < names_.size(); ++i)
    if (auto s = score(names_[i], user_id); i == 0 || s > best_score) {
      best = i;
      best_score = s;
    }
  return best;
}

} // namespace streamify::billing
