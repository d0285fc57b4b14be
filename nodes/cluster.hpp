#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "gateway/directory.hpp"
#include "nodes/cluster_topology.hpp"
#include "nodes/node_config.hpp"
#include "nodes/role_locator.hpp"

namespace streamify::node {

// The remote half of a node: one role_locator per role hosted elsewhere
// (keeping the directory's entry current) and, when cluster.port is set, the
// published role_host of the roles hosted here.
class cluster_membership {
public:
  cluster_membership(caf::actor_system& sys, const node_config& cfg,
                     std::vector<remote_role> remote,
                     std::shared_ptr<gateway::directory> dir);
  ~cluster_membership();
  cluster_membership(const cluster_membership&) = delete;
  cluster_membership& operator=(const cluster_membership&) = delete;

  // What a local role calling `role` should hold: the locator of a remote
  // role, else the directory's (local) handle.
  caf::actor handle_for(const std::string& role) const;

  // Publishes the hosted roles on cluster.port (a no-op when it is 0).
  // Throws std::runtime_error when the port cannot be opened.
  void publish(const std::map<std::string, caf::actor>& hosted);

  void stop();

private:
  caf::actor_system& sys_;
  const node_config& cfg_;
  std::shared_ptr<gateway::directory> dir_;
  std::map<std::string, caf::actor> locators_;
  caf::actor host_;
};

// Whether this configuration needs the middleman (loaded before the actor
// system exists).
bool clustered(const node_config& cfg);

} // namespace streamify::node
