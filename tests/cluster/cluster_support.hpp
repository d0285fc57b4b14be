#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_node.hpp"

// A Streamify cluster of separate streamify-node processes on loopback, one
// role per node plus a gateway node, and viewers playing sessions through the
// gateway in the background.
namespace streamify::test {

// The roles of the topology, each on its own node. `analytics` joins when
// this build knows the role.
std::vector<std::string> cluster_roles();

class test_cluster {
public:
  // Every node gets `extra_args`, then what `node_args` gives for its role
  // ("gateway" for the gateway node).
  using args_for_role
    = std::function<std::vector<std::string>(const std::string& role)>;
  explicit test_cluster(std::vector<std::string> extra_args,
                        const args_for_role& node_args = {});
  ~test_cluster();

  test_node& gateway() { return *gateway_; }
  test_node& node(const std::string& role) { return *nodes_.at(role); }
  const test_databases& databases() const { return dbs_; }
  // The --cluster.peers value every node was given.
  const std::string& peers() const { return peers_; }

private:
  test_databases dbs_;
  std::string data_dir_;
  std::string peers_;
  std::map<std::string, std::unique_ptr<test_node>> nodes_;
  std::unique_ptr<test_node> gateway_;
};

// One viewer heartbeating one session once a second from its own thread,
// with the position following the wall clock.
class player {
public:
  player(test_node& gateway, std::string token, std::string session_id);
  ~player();

  // The last 200 answer's session.
  nlohmann::json last() const;
  int64_t minutes_paid() const;
  // How long the heartbeat in flight has been waiting (zero when none is).
  std::chrono::milliseconds waiting() const;
  // Answers since start: by HTTP status.
  std::map<int, int> statuses() const;
  void reset_statuses();
  void stop();
  const std::string& token() const { return token_; }
  const std::string& id() const { return id_; }

private:
  void run();

  test_node& gateway_;
  std::string token_;
  std::string id_;
  mutable std::mutex mtx_;
  nlohmann::json last_;
  std::map<int, int> statuses_;
  std::chrono::steady_clock::time_point sent_at_{};
  bool in_flight_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Polls `done` every 100 ms until it holds or `limit` passes; returns whether
// it held.
bool poll_until(std::chrono::milliseconds limit, const std::function<bool()>& done);

// The roles /health/ready names as failing (empty when ready).
std::vector<std::string> failing_roles(test_node& gateway);

} // namespace streamify::test
