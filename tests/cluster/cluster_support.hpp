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

struct cluster_layout {
  std::vector<std::string> extra_args; // for every node
  // Billing nodes, named billing-1, billing-2, ... when more than one.
  int billing_nodes = 1;
  // An admin endpoint on every node, for actor-inspector.
  bool admin = false;
  // Gateway nodes: "gateway", then "gateway-2", ...
  int gateways = 1;
  // More arguments for one node, by its name ("gateway" for the gateway).
  std::function<std::vector<std::string>(const std::string& name)> node_args;
};

class test_cluster {
public:
  static constexpr const char* admin_secret = "cluster-test-admin-secret";

  explicit test_cluster(std::vector<std::string> extra_args);
  explicit test_cluster(cluster_layout layout);
  ~test_cluster();

  test_node& gateway() { return *gateway_; }
  // The i-th further gateway node (0: "gateway-2").
  test_node& more_gateway(size_t i) { return *more_gateways_.at(i); }
  // By role, or billing-N with several billing nodes.
  test_node& node(const std::string& name) { return *nodes_.at(name); }
  const std::vector<std::string>& billing_nodes() const { return billing_; }
  // host:port of a node's cluster port, as peers name it.
  std::string address(const std::string& name) const;
  // cluster.peers naming every node but those `left_out`.
  std::string peers(const std::vector<std::string>& left_out = {}) const;
  int admin_port(const std::string& name) const { return admin_ports_.at(name); }
  const test_databases& databases() const { return dbs_; }

private:
  test_databases dbs_;
  std::string data_dir_;
  std::vector<std::string> billing_;
  std::map<std::string, int> ports_;
  std::map<std::string, int> admin_ports_;
  std::map<std::string, std::unique_ptr<test_node>> nodes_;
  std::unique_ptr<test_node> gateway_;
  std::vector<std::unique_ptr<test_node>> more_gateways_;
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

// Starts a session of `video` for the viewer and a player heartbeating it.
std::unique_ptr<player> start_player(test_node& gateway, const std::string& token,
                                     const std::string& video);

// `count` new viewers with 10,000 cents each, every one watching `video`.
std::vector<std::unique_ptr<player>> start_viewers(test_node& gateway,
                                                   const std::string& video,
                                                   int count);

// A 10-minute clip made by ffmpeg, longer than a test plays.
std::string long_video();

// Waits until every player has been charged `more` minutes beyond `from`.
bool all_charged(const std::vector<std::unique_ptr<player>>& players,
                 const std::vector<int64_t>& from, int64_t more,
                 std::chrono::milliseconds limit);

// Each player's minutes paid so far.
std::vector<int64_t> paid(const std::vector<std::unique_ptr<player>>& players);

// Polls `done` every 100 ms until it holds or `limit` passes; returns whether
// it held.
bool poll_until(std::chrono::milliseconds limit, const std::function<bool()>& done);

// The roles /health/ready names as failing (empty when ready).
std::vector<std::string> failing_roles(test_node& gateway);

} // namespace streamify::test
