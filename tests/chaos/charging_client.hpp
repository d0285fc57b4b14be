#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_node.hpp"

// Viewers heartbeating many sessions at once from a few threads, remembering
// every charge a heartbeat answer acknowledged (its minutes_paid).
namespace streamify::test {

struct viewed_session {
  std::string token;
  std::string id;
};

// `count` viewers, each with `cents` deposited and a live session of `video`.
std::vector<viewed_session> start_sessions(test_node& node,
                                           const std::string& video, int count,
                                           int64_t cents);

class charging_client {
public:
  charging_client(test_node& node, std::vector<viewed_session> sessions,
                  int threads);
  ~charging_client();
  charging_client(const charging_client&) = delete;
  charging_client& operator=(const charging_client&) = delete;

  // The highest minutes_paid a 200 heartbeat answer named, per session id.
  std::map<std::string, int64_t> acknowledged() const;
  int64_t acknowledged_total() const;
  // Heartbeat answers by HTTP status (0: no answer) since the last reset.
  std::map<int, int> statuses() const;
  void reset_statuses();
  const std::vector<viewed_session>& sessions() const { return sessions_; }
  void stop();

private:
  void run(size_t first, size_t step);

  test_node& node_;
  std::vector<viewed_session> sessions_;
  mutable std::mutex mtx_;
  std::map<std::string, int64_t> acknowledged_;
  std::map<std::string, int64_t> next_seq_;
  std::map<int, int> statuses_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

} // namespace streamify::test
