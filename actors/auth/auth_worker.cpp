#include "actors/auth/auth_worker.hpp"

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/errc.hpp"
#include "actors/common/guarded.hpp"
#include "actors/common/ids.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::auth {

namespace {

constexpr const char* db = "the account database";

caf::error invalid_credentials() {
  return fail(errc::unauthenticated, "invalid_credentials",
              "wrong email or password");
}

} // namespace

user_info to_user_info(const persistence::user_row& row) {
  return user_info{row.id, row.email, row.display_name, row.role,
                   row.created_at_ms};
}

auth_worker_actor::behavior_type
auth_worker(auth_worker_actor::stateful_pointer<auth_worker_state> self,
            std::shared_ptr<persistence::user_store> store,
            std::shared_ptr<const password_hasher> hasher,
            std::shared_ptr<const clock> clk) {
  auto& st = self->state;
  st.store = std::move(store);
  st.hasher = std::move(hasher);
  st.clk = std::move(clk);
  self->state.stats
    = actor_stats::node().enroll("auth_worker", std::to_string(self->id()));
  return {
    [self](register_atom, register_request& req) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      return guarded<user_info>(db, [&]() -> caf::result<user_info> {
        persistence::user_row row{random_id(),
                                  req.email,
                                  ascii_lower(req.email),
                                  req.display_name,
                                  req.role,
                                  st.hasher->hash(req.password),
                                  st.clk->now_ms()};
        if (!st.store->insert(row))
          return fail(errc::conflict, "email_taken",
                      "an account with this email already exists");
        return to_user_info(row);
      });
    },
    [self](login_atom, login_request& req) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      return guarded<user_info>(db, [&]() -> caf::result<user_info> {
        auto row = st.store->find_by_email(ascii_lower(req.email));
        if (!row) {
          st.hasher->burn(req.password);
          return invalid_credentials();
        }
        if (!st.hasher->verify(row->password_hash, req.password))
          return invalid_credentials();
        return to_user_info(*row);
      });
    },
    [self](get_user_atom, std::string& id) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      return guarded<user_info>(db, [&]() -> caf::result<user_info> {
        auto row = self->state.store->find_by_id(id);
        if (!row)
          return fail(errc::not_found, "user_not_found", "no such user");
        return to_user_info(*row);
      });
    },
    [self](update_atom, profile_update& req) -> caf::result<user_info> {
      record_message(self->state.stats, self);
      auto& st = self->state;
      return guarded<user_info>(db, [&]() -> caf::result<user_info> {
        auto row = st.store->find_by_id(req.user_id);
        if (!row)
          return fail(errc::not_found, "user_not_found", "no such user");
        if (req.new_password) {
          if (!req.current_password
              || !st.hasher->verify(row->password_hash, *req.current_password))
            return fail(errc::forbidden, "wrong_password",
                        "current_password is not correct");
          row->password_hash = st.hasher->hash(*req.new_password);
        }
        if (req.display_name)
          row->display_name = *req.display_name;
        st.store->update(*row);
        return to_user_info(*row);
      });
    },
    [self](ping_atom) -> caf::result<bool> {
      record_message(self->state.stats, self);
      return guarded<bool>(db, [&]() -> caf::result<bool> {
        self->state.store->ping();
        return true;
      });
    },
  };
}

} // namespace streamify::auth
