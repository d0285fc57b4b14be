#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "actors/common/messages.hpp"

namespace streamify::gateway {

// HTTP metrics by route pattern (never the raw path), rendered in the
// Prometheus text format together with the gauges each role reports.
class metrics {
public:
  static constexpr std::array<double, 14> buckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,  0.5,    1,     2.5,  5,     10};

  void observe(const std::string& route, const std::string& method,
               int status, double seconds);

  std::string render(const std::vector<role_status>& roles) const;

private:
  struct histogram {
    std::array<uint64_t, buckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  using request_key = std::tuple<std::string, std::string, int>;
  using route_key = std::pair<std::string, std::string>;

  mutable std::mutex mtx_;
  std::map<request_key, uint64_t> requests_;
  std::map<route_key, histogram> latency_;
};

} // namespace streamify::gateway
