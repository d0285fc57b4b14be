#include "actors/auth/auth_actor.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/analytics/messages.hpp"
#include "actors/auth/jwt.hpp"
#include "actors/auth/validation.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/status_probe.hpp"

namespace streamify::auth {

namespace {

using self_ptr = auth_actor::stateful_pointer<auth_state>;

caf::error invalid(std::string machine, std::string message) {
  return fail(errc::invalid, std::move(machine), std::move(message));
}

// Queues one worker request; `done` turns the worker's answer into ours.
template <class Out, class In, class... Ts>
caf::result<Out> enqueue(self_ptr self, std::function<Out(In&)> done,
                         Ts... xs) {
  auto& st = self->state;
  if (st.pool.full()) {
    ++st.rejected_overloaded;
    return fail(errc::overloaded, "auth_overloaded",
                "too many sign-ins at once, try again shortly");
  }
  return ask_worker<Out>(self, st.pool, st.settings.worker_timeout, done,
                         xs...);
}

void remember(self_ptr self, const user_info& user) {
  auto& st = self->state;
  if (st.cache.size() >= st.settings.cache_limit)
    st.cache.clear();
  st.cache[user.id] = user;
}

auth_result issue(self_ptr self, const user_info& user) {
  auto& st = self->state;
  remember(self, user);
  analytics::activity_event seen;
  seen.kind = "user";
  seen.id = user.id;
  seen.role = user.role;
  analytics::track(self->system(), std::move(seen));
  auto now = st.clk->now_s();
  token_claims claims{user.id, user.role, now + st.settings.token_ttl_s};
  return auth_result{sign_token(claims, st.settings.jwt_secret, now), user};
}

// Counts a login attempt; returns the seconds to wait when over the limit.
int64_t throttle(self_ptr self, const login_request& req) {
  auto& st = self->state;
  auto now = st.clk->now_s();
  if (st.logins.size() > 100000) {
    for (auto i = st.logins.begin(); i != st.logins.end();)
      i = now - i->second.window_start_s >= st.settings.login_window_s
            ? st.logins.erase(i)
            : std::next(i);
  }
  auto& a = st.logins[req.client + '|' + ascii_lower(req.email)];
  if (now - a.window_start_s >= st.settings.login_window_s)
    a = auth_state::attempts{now, 0};
  if (++a.count > st.settings.login_attempts)
    return a.window_start_s + st.settings.login_window_s - now;
  return 0;
}

} // namespace

auth_actor::behavior_type
auth_role(self_ptr self, std::vector<auth_worker_actor> workers,
          auth_settings settings, std::shared_ptr<const password_hasher> hasher,
          std::shared_ptr<const clock> clk) {
  auto& st = self->state;
  for (auto& w : workers)
    self->link_to(w); // the workers end with the role
  st.pool = worker_pool<auth_worker_actor>{std::move(workers),
                                           settings.queue_limit};
  st.settings = std::move(settings);
  st.hasher = std::move(hasher);
  st.clk = std::move(clk);
  self->state.stats = actor_stats::node().enroll("auth", "auth");
  return {
    [self](register_atom, register_request& req) -> caf::result<auth_result> {
      record_message(self->state.stats, self);
      for (auto msg : {check_email(req.email), check_password(req.password),
                       check_display_name(req.display_name),
                       check_signup_role(req.role)})
        if (!msg.empty())
          return invalid("invalid_field", msg);
      std::function<auth_result(user_info&)> done
        = [self](user_info& user) { return issue(self, user); };
      return enqueue(self, done, register_atom::value, std::move(req));
    },
    [self](login_atom, login_request& req) -> caf::result<auth_result> {
      record_message(self->state.stats, self);
      if (auto wait = throttle(self, req); wait > 0) {
        ++self->state.rejected_throttled;
        return fail_retry_after(errc::rate_limited, "too_many_logins",
                                "too many login attempts, wait a moment",
                                wait);
      }
      if (req.password.size() > 1024 || req.email.size() > 254)
        return fail(errc::unauthenticated, "invalid_credentials",
                    "wrong email or password");
      std::function<auth_result(user_info&)> done
        = [self](user_info& user) { return issue(self, user); };
      return enqueue(self, done, login_atom::value, std::move(req));
    },
    [self](get_user_atom, std::string& id) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      auto& cache = self->state.cache;
      if (auto i = cache.find(id); i != cache.end())
        return i->second;
      std::function<user_info(user_info&)> done = [self](user_info& user) {
        remember(self, user);
        return user;
      };
      return enqueue(self, done, get_user_atom::value, std::move(id));
    },
    [self](update_atom, profile_update& req) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      if (req.display_name) {
        if (auto msg = check_display_name(*req.display_name); !msg.empty())
          return invalid("invalid_field", msg);
      }
      if (req.new_password) {
        if (!req.current_password)
          return invalid("current_password_required",
                         "current_password is required to set new_password");
        if (auto msg = check_password(*req.new_password); !msg.empty())
          return invalid("invalid_field", msg);
      }
      self->state.cache.erase(req.user_id);
      std::function<user_info(user_info&)> done = [self](user_info& user) {
        remember(self, user);
        return user;
      };
      return enqueue(self, done, update_atom::value, std::move(req));
    },
    [self](status_atom) -> caf::result<role_status> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      role_status status{"auth", false, "", {}};
      status.gauges = {
        {"queue_length", st.pool.queued()},
        {"workers", static_cast<int64_t>(st.pool.workers().size())},
        {"busy_workers", st.pool.busy()},
        {"password_verifications_total",
         static_cast<int64_t>(st.hasher->verifications())},
        {"rejected_overloaded_total", st.rejected_overloaded},
        {"rejected_throttled_total", st.rejected_throttled},
        {"cached_users", static_cast<int64_t>(st.cache.size())},
      };
      if (st.pool.empty()) {
        status.detail = "no workers";
        return status;
      }
      return status_after_ping(self, st.pool.workers().front(),
                               ping_atom::value, std::move(status));
    },
  };
}

} // namespace streamify::auth
