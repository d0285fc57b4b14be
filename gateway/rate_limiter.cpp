#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace streamify::gateway {

namespace {

constexpr size_t max_buckets = 100000;

} // namespace

rate_limiter::rate_limiter(double per_second, double burst)
  : per_ms_(per_second / 1000.0), burst_(std::max(burst, 1.0)) {
}

int64_t rate_limiter::take(const std::string& key, int64_t now_ms) {
  if (per_ms_ <= 0)
    return 0;
  std::lock_guard<std::mutex> guard{mtx_};
  if (buckets_.size() >= max_buckets) {
    // Full buckets carry no information: forget them.
    for (auto i = buckets_.begin(); i != buckets_.end();) {
      auto refill = (now_ms - i->second.updated_ms) * per_ms_;
      i = i->second.tokens + refill >= burst_ ? buckets_.erase(i)
                                              : std::next(i);
    }
  }
  auto [i, added] = buckets_.try_emplace(key, bucket{burst_, now_ms});
  auto& b = i->second;
  b.tokens = std::min(burst_, b.tokens + (now_ms - b.updated_ms) * per_ms_);
  b.updated_ms = now_ms;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(
                                std::ceil((1.0 - b.tokens) / per_ms_ / 1000.0)));
}

} // namespace streamify::gateway
