#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/inspector_messages.hpp"
#include "actors/streaming/messages.hpp"
#include "nodes/admin_worker.hpp"
#include "nodes/cluster_topology.hpp"

namespace streamify::node {

struct inspector_settings {
  std::string name;
  std::string secret;
  std::vector<std::string> roles;
  std::string cluster_endpoint;
  std::string admin_endpoint;
  std::string build;
  std::vector<remote_role> peers;
  std::string billing_db; // reconcile's database (billing hosted here)
  caf::timespan peer_timeout = std::chrono::seconds(3);
  caf::timespan role_timeout = std::chrono::seconds(5);
  caf::timespan reconcile_timeout = std::chrono::seconds(60);
  int64_t passivate_wait_ms = 3000;
};

// The roles the inspector acts through; invalid when not hosted here.
struct inspector_roles {
  billing::billing_router_actor billing;
  streaming::streaming_actor streaming;
};

struct inspector_state {
  inspector_settings settings;
  inspector_roles roles;
  admin_worker_actor worker;
  std::shared_ptr<const clock> clk;
  std::chrono::steady_clock::time_point started;
  actor_stats::handle stats;
  static inline const char* name = "inspector";
};

// The node's admin endpoint (admin::inspector_actor): answers from the
// node's actor_stats table, asks the local billing and streaming roles for
// wallets and for the two changing commands, and probes the peers' own
// inspectors, which each node also publishes with its roles as "inspector".
admin::inspector_actor::behavior_type
inspector(admin::inspector_actor::stateful_pointer<inspector_state> self,
          inspector_settings settings, inspector_roles roles,
          std::shared_ptr<const clock> clk);

} // namespace streamify::node
