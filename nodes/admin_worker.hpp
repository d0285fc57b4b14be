#pragma once

#include <cstdint>
#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/inspector_messages.hpp"

namespace streamify::node {

// The inspector's blocking half, spawned detached with this node's billing
// database URL (empty without the role): the ledger check on that database,
// and the wait until a passivated wallet's actor is gone.
//   (reconcile_atom) -> reconcile_report
//     (errc::unavailable "ledger_unreachable" when it cannot check)
//   (passivate_wallet_atom, user_id, wait_ms) -> bool: whether the wallet
//     left this node's actor table within wait_ms.
using admin_worker_actor = caf::typed_actor<
  caf::replies_to<admin::reconcile_atom>::with<persistence::reconcile_report>,
  caf::replies_to<admin::passivate_wallet_atom, std::string, int64_t>::with<
    bool>>;

admin_worker_actor::behavior_type admin_worker(std::string billing_db);

} // namespace streamify::node
