#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/billing/billing_actor.hpp"
#include "actors/common/clock.hpp"
#include "nodes/node_config.hpp"

namespace streamify::node {

// Applies the role's migrations (waiting for its database for a while), then
// spawns it. Throws when the database stays unreachable or is too new.
caf::actor start_auth_role(caf::actor_system& sys, const node_config& cfg,
                           std::shared_ptr<const clock> clk);

// Applies the catalog's migrations, makes the storage folders and spawns the
// catalog role with its database and media workers.
caf::actor start_catalog_role(caf::actor_system& sys, const node_config& cfg,
                              std::shared_ptr<const clock> clk);
// The streaming role: resumes the sessions stored as live (the idle ones end
// with `timeout` at once). `billing` and `catalog` may be remote handles.
caf::actor start_streaming_role(caf::actor_system& sys, const node_config& cfg,
                                std::shared_ptr<const clock> clk,
                                caf::actor billing, caf::actor catalog);
// Applies the billing migrations, then spawns the ledger writers and readers
// (detached, one connection each), the sandbox payment provider and the
// billing router. `shards` names the other billing nodes when there are
// several (then a wallet the map puts elsewhere is never claimed back here).
caf::actor start_billing_role(caf::actor_system& sys, const node_config& cfg,
                              std::shared_ptr<const clock> clk,
                              billing::billing_shards shards);

// Applies the analytics migrations, then spawns the role with a writer and a
// reader (detached, one connection each). `billing` may be remote or invalid.
caf::actor start_analytics_role(caf::actor_system& sys, const node_config& cfg,
                                caf::actor billing);

// Spawns this node's activity relay towards `analytics` (the local role or
// its locator) and registers it where analytics::track() looks.
caf::actor start_activity_relay(caf::actor_system& sys, const node_config& cfg,
                                caf::actor analytics);

// `--reconcile`: checks the ledger invariants and prints the report. Returns
// the exit code: 0 zero differences, 1 differences, 2 cannot check.
int reconcile(const node_config& cfg);

// `--create-admin`: creates or promotes one admin account. Returns the exit
// code.
int create_admin(const node_config& cfg, const std::string& password);

} // namespace streamify::node
