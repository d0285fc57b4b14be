#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/common/actor_stats.hpp"
#include "actors/auth/messages.hpp"
#include "actors/auth/password_hasher.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/worker_pool.hpp"

namespace streamify::auth {

struct auth_settings {
  std::string jwt_secret;
  int64_t token_ttl_s = 12 * 3600;
  size_t queue_limit = 64;          // waiting requests before 503
  int64_t login_attempts = 10;      // per address+email and window
  int64_t login_window_s = 60;
  caf::timespan worker_timeout = std::chrono::seconds(10);
  size_t cache_limit = 100000;      // users kept for `get_user`
};

struct auth_state {
  struct attempts {
    int64_t window_start_s = 0;
    int64_t count = 0;
  };

  auth_settings settings;
  std::shared_ptr<const password_hasher> hasher;
  std::shared_ptr<const clock> clk;
  worker_pool<auth_worker_actor> pool;
  std::unordered_map<std::string, user_info> cache;
  std::unordered_map<std::string, attempts> logins;
  int64_t rejected_overloaded = 0;
  int64_t rejected_throttled = 0;
  actor_stats::handle stats;
  static inline const char* name = "auth";
};

// The auth role: validates, throttles logins, keeps a bounded queue in front
// of the workers (full → 503), issues tokens and caches users for `get_user`.
auth_actor::behavior_type
auth_role(auth_actor::stateful_pointer<auth_state> self,
          std::vector<auth_worker_actor> workers, auth_settings settings,
          std::shared_ptr<const password_hasher> hasher,
          std::shared_ptr<const clock> clk);

} // namespace streamify::auth
