#include <caf/actor_system.hpp>

#include "actors/auth/messages.hpp"
#include "actors/common/ids.hpp"
#include "gateway/ask.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/json_body.hpp"

namespace streamify::gateway {

namespace {

using namespace streamify::auth;

nlohmann::json to_json(const user_info& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"display_name", u.display_name},
          {"role", u.role},
          {"created_at", format_utc(u.created_at_ms)}};
}

nlohmann::json to_json(const auth_result& r) {
  return {{"token", r.token}, {"user", to_json(r.user)}};
}

caf::optional<std::string> to_caf(std::optional<std::string> x) {
  if (x)
    return std::move(*x);
  return caf::none;
}

} // namespace

void add_auth_routes(http_gateway& gw) {
  auto auth = [&gw] { return gw.roles().get<auth_actor>("auth"); };
  auto timeout = gw.settings().request_timeout;
  gw.route("POST", "/api/auth/register", [&gw, auth, timeout](request_context& ctx) {
    auto body = ctx.json_body();
    register_request req{required_string(body, "email"),
                         required_string(body, "password"),
                         required_string(body, "display_name"),
                         required_string(body, "role")};
    auto result = ask<auth_result>(gw.system(), auth(), timeout,
                                   register_atom::value, std::move(req));
    ctx.reply(201, to_json(result));
  });
  gw.route("POST", "/api/auth/login", [&gw, auth, timeout](request_context& ctx) {
    auto body = ctx.json_body();
    login_request req{required_string(body, "email"),
                      required_string(body, "password"), ctx.req.remote_addr};
    auto result = ask<auth_result>(gw.system(), auth(), timeout,
                                   login_atom::value, std::move(req));
    ctx.reply(200, to_json(result));
  });
  gw.route("GET", "/api/auth/me", [&gw, auth, timeout](request_context& ctx) {
    auto claims = ctx.user();
    try {
      ctx.reply(200, to_json(ask<user_info>(gw.system(), auth(), timeout,
                                            get_user_atom::value, claims.sub)));
    } catch (const http_error& err) {
      if (err.status == 404)
        throw http_error(401, "unknown_user", "the token's user is gone");
      throw;
    }
  });
  gw.route("PATCH", "/api/auth/me", [&gw, auth, timeout](request_context& ctx) {
    auto claims = ctx.user();
    auto body = ctx.json_body();
    profile_update req{claims.sub, to_caf(optional_string(body, "display_name")),
                       to_caf(optional_string(body, "current_password")),
                       to_caf(optional_string(body, "new_password"))};
    ctx.reply(200, to_json(ask<user_info>(gw.system(), auth(), timeout,
                                          update_atom::value, std::move(req))));
  });
}

} // namespace streamify::gateway
