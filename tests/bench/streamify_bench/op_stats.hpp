#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace streamify::bench {

// What one kind of request (heartbeat, range read, ...) did during a run:
// latencies in microseconds, answers by HTTP status (0: no answer).
struct op_stats {
  std::vector<uint32_t> latencies_us;
  std::map<int, int64_t> statuses;
  int64_t bytes = 0;

  void record(int status, int64_t us, int64_t body_bytes = 0) {
    latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    ++statuses[status];
    bytes += body_bytes;
  }

  void merge(const op_stats& other) {
    latencies_us.insert(latencies_us.end(), other.latencies_us.begin(),
                        other.latencies_us.end());
    for (const auto& [status, n] : other.statuses)
      statuses[status] += n;
    bytes += other.bytes;
  }

  int64_t count() const { return static_cast<int64_t>(latencies_us.size()); }

  int64_t errors() const {
    int64_t n = 0;
    for (const auto& [status, k] : statuses)
      if (status < 200 || status >= 300)
        n += k;
    return n;
  }

  // The latency below which `q` (0..1) of the requests finished, in ms.
  double percentile_ms(double q) {
    if (latencies_us.empty())
      return 0;
    std::sort(latencies_us.begin(), latencies_us.end());
    auto i = static_cast<size_t>(q * static_cast<double>(latencies_us.size() - 1));
    return latencies_us[i] / 1000.0;
  }

  nlohmann::json to_json(double seconds) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, n] : statuses)
      by_status[status == 0 ? "no_answer" : std::to_string(status)] = n;
    return {{"requests", count()},
            {"per_second", seconds > 0 ? count() / seconds : 0},
            {"bytes_per_second", seconds > 0 ? bytes / seconds : 0},
            {"p50_ms", percentile_ms(0.50)},
            {"p90_ms", percentile_ms(0.90)},
            {"p99_ms", percentile_ms(0.99)},
            {"max_ms", percentile_ms(1.0)},
            {"errors", errors()},
            {"statuses", by_status}};
  }
};

} // namespace streamify::bench
