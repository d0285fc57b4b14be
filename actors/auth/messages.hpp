#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/messages.hpp"

namespace streamify::auth {

using register_atom = caf::atom_constant<caf::atom("register")>;
using login_atom = caf::atom_constant<caf::atom("login")>;
using get_user_atom = caf::atom_constant<caf::atom("get_user")>;
using update_atom = caf::atom_constant<caf::atom("update")>;

struct user_info {
  std::string id;
  std::string email;
  std::string display_name;
  std::string role;
  int64_t created_at_ms = 0;
};

struct register_request {
  std::string email;
  std::string password;
  std::string display_name;
  std::string role;
};

struct login_request {
  std::string email;
  std::string password;
  std::string client; // remote address, for throttling
};

struct profile_update {
  std::string user_id;
  caf::optional<std::string> display_name;
  caf::optional<std::string> current_password;
  caf::optional<std::string> new_password;
};

struct auth_result {
  std::string token;
  user_info user;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_info& x) {
  return f(caf::meta::type_name("user_info"), x.id, x.email, x.display_name,
           x.role, x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_request& x) {
  return f(caf::meta::type_name("register_request"), x.email, x.password,
           x.display_name, x.role);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_request& x) {
  return f(caf::meta::type_name("login_request"), x.email, x.password,
           x.client);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_update& x) {
  return f(caf::meta::type_name("profile_update"), x.user_id, x.display_name,
           x.current_password, x.new_password);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth_result& x) {
  return f(caf::meta::type_name("auth_result"), x.token, x.user);
}

// The auth role as other roles and the gateway see it.
using auth_actor = caf::typed_actor<
  caf::replies_to<register_atom, register_request>::with<auth_result>,
  caf::replies_to<login_atom, login_request>::with<auth_result>,
  caf::replies_to<get_user_atom, std::string>::with<user_info>,
  caf::replies_to<update_atom, profile_update>::with<user_info>,
  caf::replies_to<status_atom>::with<role_status>>;

// A worker does the blocking part (password hashing, the database) of one
// request at a time.
using auth_worker_actor = caf::typed_actor<
  caf::replies_to<register_atom, register_request>::with<user_info>,
  caf::replies_to<login_atom, login_request>::with<user_info>,
  caf::replies_to<get_user_atom, std::string>::with<user_info>,
  caf::replies_to<update_atom, profile_update>::with<user_info>,
  caf::replies_to<ping_atom>::with<bool>>;

} // namespace streamify::auth
