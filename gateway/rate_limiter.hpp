#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace streamify::gateway {

// Token buckets keyed by user id or client address. A rate of 0 disables it.
class rate_limiter {
public:
  rate_limiter(double per_second, double burst);

  // Takes one token at `now_ms`; returns 0 when allowed, else the whole
  // seconds to wait before the next token.
  int64_t take(const std::string& key, int64_t now_ms);

private:
  struct bucket {
    double tokens;
    int64_t updated_ms;
  };

  double per_ms_;
  double burst_;
  std::mutex mtx_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace streamify::gateway
