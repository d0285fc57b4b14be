#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/streamify_bench/viewer_load.hpp"

namespace streamify::bench {

// The reference: `connections` clients GET one path of another server (nginx)
// as fast as they can, each a whole file or random `range_bytes` ranges.
op_stats reference_load(const std::string& host, int port,
                        const std::string& path, int connections,
                        double seconds, int64_t range_bytes);

// Logins offered at a fixed rate by users registered with the node's real
// password cost. Up to 32 are in flight; offers the schedule made while all
// clients were busy count as offered and not completed.
class login_load {
public:
  login_load(const load_options& opts, double per_second);
  ~login_load();

  void start();
  // Stops offering; returns what was answered and sets `offered`.
  op_stats stop(int64_t& offered);

private:
  load_options opts_;
  double per_second_;
  std::vector<std::string> emails_;
  std::atomic<bool> stop_{false};
  clock_type::time_point started_;
  std::vector<std::thread> threads_;
  std::vector<op_stats> parts_;
};

} // namespace streamify::bench
