#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// Free of CAF: runs a long tool (FFmpeg) so that it never competes with the
// node for CPU and never outlives it.
namespace streamify::catalog {

struct process_outcome {
  int status = -1;        // exit status; -1 when it could not start
  bool timed_out = false; // killed after the time limit
  bool cancelled = false; // killed because `cancel` turned true
  std::string errors;     // the end of what it wrote to stderr
};

// Runs argv (argv[0] looked up in PATH) at `nice` with stdin from
// /dev/null; stdout goes to `on_output` chunk by chunk. The child is killed
// after `limit_s` seconds, when `cancel` becomes true (checked every 200 ms)
// or when the calling thread dies (PR_SET_PDEATHSIG), so a node killed
// mid-way leaves no orphan behind. Blocking: detached actors only.
process_outcome
run_low_priority(const std::vector<std::string>& argv, int nice,
                 int64_t limit_s,
                 const std::atomic<bool>& cancel,
                 const std::function<void(const std::string&)>& on_output);

} // namespace streamify::catalog
