#pragma once

#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

namespace streamify::node {

// The one actor a node publishes on cluster.port: answers
// (locate_atom, role) with the handle of a role it hosts, so several roles
// share one port.
caf::behavior role_host(caf::event_based_actor* self,
                        std::map<std::string, caf::actor> roles);

} // namespace streamify::node
