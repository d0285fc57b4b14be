#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/common/clock.hpp"
#include "nodes/cluster_topology.hpp"
#include "nodes/node_config.hpp"

namespace streamify::node {

// Spawns the node's inspector and publishes it on admin.port (bound to
// admin.bind); invalid when admin.port is 0. `hosted` are the roles started
// here. Throws std::runtime_error when the port cannot be opened.
caf::actor start_admin_endpoint(caf::actor_system& sys, const node_config& cfg,
                                const std::map<std::string, caf::actor>& hosted,
                                const std::vector<remote_role>& remote,
                                std::shared_ptr<const clock> clk);

// `git describe` of the sources this program was built from.
const char* build_id();

} // namespace streamify::node
