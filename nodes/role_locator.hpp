#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/stateful_actor.hpp>

#include "nodes/cluster_topology.hpp"

namespace streamify::node {

struct role_locator_settings {
  caf::timespan connect_timeout = std::chrono::seconds(3);
  caf::timespan backoff_min = std::chrono::milliseconds(100);
  caf::timespan backoff_max = std::chrono::seconds(2);
};

struct role_locator_state {
  remote_role where;
  role_locator_settings settings;
  std::function<void(const caf::actor&)> on_change;
  caf::actor current; // invalid while the role is unreachable
  caf::timespan backoff{};
  bool acquiring = false;
  int failures = 0; // since the role was last reachable
  std::vector<caf::message> subscriptions;
  static inline const char* name = "role_locator";
};

// Stands for one role hosted by another node. It connects to the node
// published at `where`, asks it for the role and monitors the handle; when
// the handle goes down (the node died, or froze past the middleman's
// connection timeout) it clears it and reconnects with exponential backoff.
// `on_change` sees every new handle and the invalid one on loss.
//
// Local roles that call the remote one hold the locator's handle: every other
// message is forwarded to the current handle (the answer goes straight back
// to the sender), or answered with an `unavailable` error while there is
// none. One-way `subscribe` messages are remembered and replayed to each new
// incarnation of the role, which has forgotten them.
caf::behavior
role_locator(caf::stateful_actor<role_locator_state>* self, remote_role where,
             role_locator_settings settings,
             std::function<void(const caf::actor&)> on_change);

} // namespace streamify::node
