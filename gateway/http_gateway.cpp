#include "gateway/http_gateway.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/ids.hpp"
#include "gateway/client_address.hpp"
#include "gateway/http_error.hpp"
#include "gateway/json_body.hpp"

namespace streamify::gateway {

namespace {

// Per-request bookkeeping on the httplib worker thread that serves it: set in
// the pre-routing hook, labelled by the route, read by the logger hook.
struct trace {
  std::chrono::steady_clock::time_point start;
  std::string request_id;
  std::string route;
  bool active = false;
};

thread_local trace current;

std::string to_regex(const std::string& pattern) {
  std::string out = "^";
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      i = pattern.find('}', i);
      out += "([^/]+)";
    } else if (std::string{".+*?()[]^$|\\"}.find(pattern[i]) != std::string::npos) {
      out += '\\';
      out += pattern[i];
    } else {
      out += pattern[i];
    }
  }
  return out + "$";
}

// The path for the access log: an HLS path carries the stream token
// (/api/sessions/{id}/hls/{st}/...), which is a credential and is left out.
std::string loggable_path(const std::string& path) {
  auto at = path.find("/hls/");
  if (at == std::string::npos)
    return path;
  at += 5;
  auto end = path.find('/', at);
  return path.substr(0, at) + "-"
         + (end == std::string::npos ? std::string{} : path.substr(end));
}

void security_headers(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; "
                 "img-src 'self' data: blob:; media-src 'self' blob:; "
                 "object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
}

std::string short_id() {
  return random_id().substr(0, 16);
}

} // namespace

auth::token_claims request_context::user() const {
  const auto& header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) != 0)
    throw http_error(401, "missing_token",
                     "an Authorization: Bearer token is required");
  auto claims = auth::verify_token(header.substr(7), jwt_secret, now_s);
  if (!claims)
    throw http_error(401, "invalid_token", "the token is invalid or expired");
  return *claims;
}

nlohmann::json request_context::json_body() const {
  return parse_object(req.body);
}

void request_context::reply(int status, const nlohmann::json& body) const {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

http_gateway::http_gateway(caf::actor_system& sys, gateway_settings settings,
                           directory& roles, std::shared_ptr<const clock> clk)
  : sys_(sys),
    settings_(std::move(settings)),
    roles_(roles),
    clk_(std::move(clk)),
    server_(std::chrono::seconds(settings_.header_timeout_s),
            static_cast<size_t>(std::max(2, settings_.threads))),
    limiter_(settings_.rate_per_s, settings_.rate_burst),
    entitlements_(std::make_shared<entitlement_cache>(
      std::chrono::seconds(settings_.entitlement_ttl_s))) {
  install_hooks();
}

http_gateway::~http_gateway() {
  stop();
}

void http_gateway::install_hooks() {
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_max_count(1000);
  server_.set_keep_alive_timeout(settings_.keep_alive_s);
  server_.set_read_timeout(settings_.header_timeout_s, 0);
  server_.set_write_timeout(static_cast<time_t>(settings_.write_timeout_s), 0);
  server_.set_payload_max_length(static_cast<size_t>(settings_.upload_limit));
  server_.set_pre_routing_handler(
    [this](const httplib::Request& req, httplib::Response& res) {
      return pre_route(req, res);
    });
  server_.set_logger(
    [this](const httplib::Request& req, const httplib::Response& res) {
      finish(req, res);
    });
  server_.set_error_handler(httplib::Server::HandlerWithResponse{
    [](const httplib::Request&, httplib::Response& res) {
      if (current.request_id.empty())
        current.request_id = short_id();
      if (!res.has_header("X-Request-Id"))
        res.set_header("X-Request-Id", current.request_id);
      security_headers(res);
      if (res.body.empty()) {
        auto status = res.status;
        std::string message = status == 404 ? "no such route"
                                            : "the request was rejected";
        write_error(res, http_error{status, default_code(status), message},
                    current.request_id);
      }
      return httplib::Server::HandlerResponse::Handled;
    }});
  server_.set_exception_handler(
    [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      write_error(res, http_error{500, "internal_error", "internal error"},
                  current.request_id);
    });
  if (!settings_.frontend_dir.empty()
      && !server_.set_mount_point("/", settings_.frontend_dir))
    spdlog::warn("frontend folder {} not found; the app is not served",
                 settings_.frontend_dir);
}

httplib::Server::HandlerResponse
http_gateway::pre_route(const httplib::Request& req, httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  // Behind the TLS edge the peer is the proxy: the client it names replaces
  // it in the server's own (mutable) request object, so the rate limit, the
  // login throttle, /metrics' loopback check and the access log all see the
  // client.
  if (!settings_.trusted_proxies.empty())
    const_cast<httplib::Request&>(req).remote_addr
      = client_address(req.remote_addr,
                       req.get_header_value("X-Forwarded-For"),
                       settings_.trusted_proxies);
  current = trace{std::chrono::steady_clock::now(), short_id(), "(unrouted)",
                  true};
  res.set_header("X-Request-Id", current.request_id);
  security_headers(res);
  if (!settings_.cors_origin.empty()) {
    res.set_header("Access-Control-Allow-Origin", settings_.cors_origin);
    res.set_header("Vary", "Origin");
    if (req.method == "OPTIONS") {
      res.set_header("Access-Control-Allow-Methods",
                     "GET, POST, PATCH, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, Idempotency-Key, Range");
      res.status = 204;
      return HR::Handled;
    }
  }
  if (req.path.rfind("/api/", 0) != 0)
    return HR::Unhandled;
  auto reject = [&](const http_error& err) {
    current.route = "(rejected)";
    res.set_header("Connection", "close");
    deadline_server::close_after_response();
    write_error(res, err, current.request_id);
    return HR::Handled;
  };
  bool upload = req.method == "POST" && req.path == "/api/videos";
  auto limit = upload ? settings_.upload_limit : settings_.json_limit;
  if (req.has_header("Content-Length")) {
    const auto& value = req.get_header_value("Content-Length");
    char* end = nullptr;
    auto length = std::strtoll(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0' || length < 0)
      return reject(http_error(400, "bad_content_length",
                               "Content-Length is not a number"));
    if (length > limit)
      return reject(http_error(413, "payload_too_large",
                               "the body is larger than "
                                 + std::to_string(limit) + " bytes"));
  } else if (!upload && req.has_header("Transfer-Encoding")) {
    return reject(http_error(400, "length_required",
                             "send JSON bodies with a Content-Length"));
  }
  std::string key = "addr:" + req.remote_addr;
  const auto& authz = req.get_header_value("Authorization");
  if (authz.rfind("Bearer ", 0) == 0) {
    if (auto claims = auth::verify_token(authz.substr(7), settings_.jwt_secret,
                                         clk_->now_s()))
      key = "user:" + claims->sub;
  }
  if (auto wait = limiter_.take(key, clk_->now_ms()); wait > 0) {
    current.route = "(rejected)";
    write_error(res,
                http_error(429, "rate_limited", "too many requests, slow down",
                           wait),
                current.request_id);
    return HR::Handled;
  }
  return HR::Unhandled;
}

void http_gateway::finish(const httplib::Request& req,
                          const httplib::Response& res) {
  if (!current.active)
    current = trace{std::chrono::steady_clock::now(), "-", "(unparsed)", true};
  if (current.route == "(unrouted)" && req.path.rfind("/api/", 0) != 0
      && res.status < 400)
    current.route = "(static)";
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                               - current.start)
                   .count();
  metrics_.observe(current.route, req.method, res.status, elapsed);
  if (auto log = spdlog::get("access"))
    log->info("{} {} {} {} {} {} {:.3f}ms", current.request_id,
              req.remote_addr, req.method, current.route,
              loggable_path(req.path),
              res.status, elapsed * 1000);
  current = trace{};
}

void http_gateway::route(const std::string& method, const std::string& pattern,
                         handler h) {
  routes_.push_back(method + " " + pattern);
  auto wrapped = [this, pattern, h](const httplib::Request& req,
                                    httplib::Response& res) {
    current.route = pattern;
    request_context ctx{req, res, current.request_id, clk_->now_s(),
                        settings_.jwt_secret};
    try {
      h(ctx);
    } catch (const http_error& err) {
      write_error(res, err, current.request_id);
    } catch (const std::exception& e) {
      spdlog::error("request {} on {} failed: {}", current.request_id, pattern,
                    e.what());
      write_error(res, http_error{500, "internal_error", "internal error"},
                  current.request_id);
    }
  };
  auto regex = to_regex(pattern);
  if (method == "GET")
    server_.Get(regex, wrapped);
  else if (method == "POST")
    server_.Post(regex, wrapped);
  else if (method == "PATCH")
    server_.Patch(regex, wrapped);
  else if (method == "DELETE")
    server_.Delete(regex, wrapped);
  else if (method == "PUT")
    server_.Put(regex, wrapped);
  else
    throw std::logic_error("unsupported method " + method);
}

void http_gateway::upload_route(const std::string& pattern, upload_handler h) {
  routes_.push_back("POST " + pattern);
  server_.Post(to_regex(pattern), [this, pattern, h](
                                    const httplib::Request& req,
                                    httplib::Response& res,
                                    const httplib::ContentReader& reader) {
    current.route = pattern;
    request_context ctx{req, res, current.request_id, clk_->now_s(),
                        settings_.jwt_secret};
    auto close_with = [&](const http_error& err) {
      res.set_header("Connection", "close");
      deadline_server::close_after_response();
      write_error(res, err, current.request_id);
    };
    try {
      h(ctx, reader);
    } catch (const http_error& err) {
      close_with(err);
    } catch (const std::exception& e) {
      spdlog::error("request {} on {} failed: {}", current.request_id, pattern,
                    e.what());
      close_with(http_error{500, "internal_error", "internal error"});
    }
  });
}

bool http_gateway::bind() {
  bool bound;
  if (settings_.port == 0) {
    port_ = server_.bind_to_any_port(settings_.bind);
    bound = port_ > 0;
  } else {
    port_ = settings_.port;
    bound = server_.bind_to_port(settings_.bind, settings_.port);
  }
  if (bound)
    server_.widen_backlog(1024);
  return bound;
}

void http_gateway::run() {
  server_.listen_after_bind();
}

void http_gateway::stop() {
  if (server_.is_running())
    server_.stop();
}

std::vector<role_status> http_gateway::role_statuses() {
  std::vector<role_status> out;
  caf::scoped_actor self{sys_};
  for (const auto& role : roles_.configured()) {
    if (role == "gateway")
      continue;
    role_status status{role, false, "not connected", {}};
    if (auto handle = roles_.get(role)) {
      self->request(handle, std::chrono::seconds(3), status_atom::value)
        .receive([&](role_status& s) { status = std::move(s); },
                 [&](caf::error& err) {
                   status.detail = err == caf::sec::request_timeout
                                     ? "no answer in time"
                                     : "unreachable";
                 });
    }
    out.push_back(std::move(status));
  }
  return out;
}

} // namespace streamify::gateway
