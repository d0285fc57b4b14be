#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/auth/jwt.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/messages.hpp"
#include "gateway/client_address.hpp"
#include "gateway/directory.hpp"
#include "gateway/deadline_server.hpp"
#include "gateway/entitlement_cache.hpp"
#include "gateway/metrics.hpp"
#include "gateway/rate_limiter.hpp"

namespace streamify::gateway {

struct gateway_settings {
  std::string bind = "127.0.0.1";
  int port = 8080;
  // One per open connection (httplib), so players holding connections need
  // many; stream responses may use at most `stream_threads` of them (0:
  // three quarters), the rest stay for the API.
  int threads = 256;
  int stream_threads = 0;
  int64_t write_timeout_s = 10; // a reader taking no byte this long is cut
  int64_t entitlement_ttl_s = 10;
  int64_t json_limit = 1 << 20;
  int64_t upload_limit = int64_t{2} << 30;
  double rate_per_s = 500;
  double rate_burst = 1000;
  int64_t header_timeout_s = 10;
  int64_t keep_alive_s = 5;
  caf::timespan request_timeout = std::chrono::seconds(15);
  std::string frontend_dir;
  std::string cors_origin;
  // Proxies whose X-Forwarded-For names the client (the TLS edge).
  std::vector<address_range> trusted_proxies;
  bool metrics_public = true;
  std::string jwt_secret;
  std::string data_dir = "var"; // uploads go to <data_dir>/videos
};

// What a route handler sees of one request.
struct request_context {
  const httplib::Request& req;
  httplib::Response& res;
  const std::string& request_id;
  int64_t now_s;
  const std::string& jwt_secret;

  // The caller's verified token, or 401.
  auth::token_claims user() const;
  nlohmann::json json_body() const;
  void reply(int status, const nlohmann::json& body) const;
};

// The HTTP gateway: one httplib server whose routes ask role actors. Every
// response carries X-Request-Id and security headers; every error is JSON.
class http_gateway {
public:
  using handler = std::function<void(request_context&)>;
  using upload_handler
    = std::function<void(request_context&, const httplib::ContentReader&)>;

  http_gateway(caf::actor_system& sys, gateway_settings settings,
               directory& roles, std::shared_ptr<const clock> clk);
  ~http_gateway();

  // `pattern` like "/api/videos/{id}": the label for metrics and logs, and
  // each {name} matches one path segment (req.matches[1..]).
  void route(const std::string& method, const std::string& pattern,
             handler h);
  // A POST whose body the handler reads itself, streaming (uploads). On an
  // error the connection closes, as the body may be left unread.
  void upload_route(const std::string& pattern, upload_handler h);
  // "METHOD PATTERN" of every route, in the order they were added.
  const std::vector<std::string>& routes() const { return routes_; }

  bool bind();
  void run();
  void stop();
  int port() const { return port_; }

  caf::actor_system& system() { return sys_; }
  directory& roles() { return roles_; }
  const gateway_settings& settings() const { return settings_; }
  const class metrics& http_metrics() const { return metrics_; }
  // Live sessions' states for the stream endpoint, refreshed by the
  // session routes' answers and the streaming role's pushes.
  const std::shared_ptr<entitlement_cache>& entitlements() const {
    return entitlements_;
  }

  // Asks every configured role for its status (bounded by a short timeout).
  std::vector<role_status> role_statuses();

private:
  void install_hooks();
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req,
                                             httplib::Response& res);
  void finish(const httplib::Request& req, const httplib::Response& res);

  caf::actor_system& sys_;
  gateway_settings settings_;
  directory& roles_;
  std::shared_ptr<const clock> clk_;
  deadline_server server_;
  rate_limiter limiter_;
  class metrics metrics_;
  std::shared_ptr<entitlement_cache> entitlements_;
  int port_ = 0;
  std::vector<std::string> routes_;
};

void add_auth_routes(http_gateway& gw);
void add_billing_routes(http_gateway& gw);
void add_ops_routes(http_gateway& gw);
void add_catalog_routes(http_gateway& gw);
void add_session_routes(http_gateway& gw);
void add_stream_routes(http_gateway& gw);
void add_analytics_routes(http_gateway& gw);

} // namespace streamify::gateway
