#pragma once

#include <chrono>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/billing/ledger_messages.hpp"
#include "actors/billing/shard_map.hpp"

namespace streamify::billing {

struct billing_shard_router_state {
  shard_map map;
  std::vector<billing_router_actor> nodes; // parallel to the map
  caf::timespan timeout{};
  size_t next_any = 0;
  static inline const char* name = "billing_shard_router";
};

// The billing role as a node without it sees several billing nodes: a
// user's money writes and reads go to the node the shard map names (which
// answers the caller directly); what belongs to no user (the outbox, a
// refund, which the billing node sends on to the creator's wallet) goes to
// any node that answers, trying the next while one is unreachable; the
// status combines every node's (each asked with the 2 s the billing role
// gives its own probes). `nodes` are their handles (locators).
billing_actor::behavior_type billing_shard_router(
  billing_actor::stateful_pointer<billing_shard_router_state> self,
  shard_map map, std::vector<billing_router_actor> nodes,
  caf::timespan timeout);

} // namespace streamify::billing
