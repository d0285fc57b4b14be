#include <spdlog/spdlog.h>

#include "gateway/http_error.hpp"
#include "gateway/http_gateway.hpp"
#include "gateway/openapi_document.hpp"

namespace streamify::gateway {

namespace {

bool loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1";
}

} // namespace

void add_ops_routes(http_gateway& gw) {
  gw.route("GET", "/health", [](request_context& ctx) {
    ctx.reply(200, {{"status", "ok"}});
  });
  gw.route("GET", "/health/ready", [&gw](request_context& ctx) {
    nlohmann::json roles = nlohmann::json::object();
    std::vector<std::string> failing;
    for (const auto& status : gw.role_statuses()) {
      roles[status.role] = {{"ready", status.ready}, {"detail", status.detail}};
      if (!status.ready)
        failing.push_back(status.role);
    }
    if (failing.empty()) {
      ctx.reply(200, {{"status", "ready"}, {"roles", roles}});
      return;
    }
    std::string names;
    for (const auto& f : failing)
      names += (names.empty() ? "" : ", ") + f;
    ctx.reply(503, {{"status", "not_ready"},
                    {"error", "not_ready"},
                    {"message", "not ready: " + names},
                    {"failing", failing},
                    {"roles", roles},
                    {"request_id", ctx.request_id}});
  });
  gw.route("GET", "/api/openapi.json", [](request_context& ctx) {
    ctx.res.status = 200;
    ctx.res.set_content(openapi_json(), "application/json");
  });
  gw.route("GET", "/metrics", [&gw](request_context& ctx) {
    if (!gw.settings().metrics_public && !loopback(ctx.req.remote_addr))
      throw http_error(403, "forbidden", "metrics are served to loopback only");
    ctx.res.status = 200;
    ctx.res.set_content(gw.http_metrics().render(gw.role_statuses()),
                        "text/plain; version=0.0.4");
  });
}

} // namespace streamify::gateway
