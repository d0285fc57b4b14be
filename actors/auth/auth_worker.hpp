#pragma once

#include <memory>

#include "actors/common/actor_stats.hpp"
#include "actors/auth/messages.hpp"
#include "actors/auth/password_hasher.hpp"
#include "actors/common/clock.hpp"
#include "persistence/auth/user_store.hpp"

namespace streamify::auth {

struct auth_worker_state {
  std::shared_ptr<persistence::user_store> store;
  std::shared_ptr<const password_hasher> hasher;
  std::shared_ptr<const clock> clk;
  actor_stats::handle stats;
  static inline const char* name = "auth_worker";
};

// Blocking work of the auth role; nodes spawn it detached, one connection
// each. Requests arrive already validated by the auth actor.
auth_worker_actor::behavior_type
auth_worker(auth_worker_actor::stateful_pointer<auth_worker_state> self,
            std::shared_ptr<persistence::user_store> store,
            std::shared_ptr<const password_hasher> hasher,
            std::shared_ptr<const clock> clk);

user_info to_user_info(const persistence::user_row& row);

} // namespace streamify::auth
