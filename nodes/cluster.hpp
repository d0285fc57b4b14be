#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/billing/billing_actor.hpp"
#include "gateway/directory.hpp"
#include "nodes/cluster_topology.hpp"
#include "nodes/node_config.hpp"
#include "nodes/role_locator.hpp"

namespace streamify::node {

// The remote half of a node: one role_locator per role hosted elsewhere
// (keeping the directory's entry current; one per billing node when there
// are several, with a billing_shard_router in front unless this node hosts
// billing) and, when cluster.port is set, the published role_host of the
// roles hosted here.
class cluster_membership {
public:
  cluster_membership(caf::actor_system& sys, const node_config& cfg,
                     const std::vector<std::string>& hosted,
                     std::vector<remote_role> remote,
                     std::shared_ptr<gateway::directory> dir);
  ~cluster_membership();
  cluster_membership(const cluster_membership&) = delete;
  cluster_membership& operator=(const cluster_membership&) = delete;

  // What a local role calling `role` should hold: the locator of a remote
  // role (the shard router for several billing nodes), else the directory's
  // (local) handle.
  caf::actor handle_for(const std::string& role) const;

  // The billing nodes and their handles, for a billing role among several
  // (no handles: this is the only one).
  billing::billing_shards billing_shards() const;

  // Publishes the hosted roles on cluster.port (a no-op when it is 0).
  // Throws std::runtime_error when the port cannot be opened.
  void publish(const std::map<std::string, caf::actor>& hosted);

  void stop();

private:
  caf::actor_system& sys_;
  const node_config& cfg_;
  std::shared_ptr<gateway::directory> dir_;
  struct located {
    remote_role where;
    caf::actor locator;
  };
  std::vector<located> locators_;
  std::vector<std::string> billing_nodes_; // addresses; empty: not sharded
  std::string self_;
  caf::actor shard_router_;
  caf::actor host_;
};

// Whether this configuration needs the middleman (loaded before the actor
// system exists).
bool clustered(const node_config& cfg);

} // namespace streamify::node
