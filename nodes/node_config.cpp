#include "nodes/node_config.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <caf/atom.hpp>
#include <caf/config_option.hpp>
#include <caf/timespan.hpp>

#include "actors/common/message_types.hpp"
#include "gateway/client_address.hpp"

namespace streamify::node {

const std::vector<std::string>& known_roles() {
  static const std::vector<std::string> roles{"gateway", "auth", "catalog",
                                              "billing", "analytics",
                                              "streaming"};
  return roles;
}

node_config::node_config() {
  streamify::add_message_types(*this);
  // Few microseconds per blocking round trip from HTTP threads instead of
  // tens with work stealing (toolchain.md).
  set("scheduler.policy", caf::atom("sharing"));
  opt_group{custom_options_, "global"}
    .add(roles, "roles",
         "roles to host: all or a list of "
         "gateway,auth,catalog,billing,analytics,streaming")
    .add(dev, "dev", "development mode: allow a generated JWT secret")
    .add(log_level, "log-level", "trace, debug, info, warn, error or off")
    .add(access_log, "access-log", "stdout, off or a file path")
    .add(create_admin, "create-admin",
         "create (or promote) this email as admin, password from "
         "STREAMIFY_ADMIN_PASSWORD or stdin, then exit")
    .add(reconcile, "reconcile",
         "check the ledger in billing.database-url, print every difference "
         "and exit (0: zero differences, 1: differences, 2: cannot check)")
    .add(print_routes, "print-routes",
         "print METHOD PATTERN of every HTTP route a gateway serves and exit");
  opt_group{custom_options_, "http"}
    .add(http_bind, "bind", "address the gateway listens on")
    .add(http_port, "port", "gateway port (0 picks a free one)")
    .add(http_threads, "threads", "HTTP worker threads (one per keep-alive)")
    .add(json_limit, "json-limit", "largest JSON body in bytes (413 above)")
    .add(rate_limit, "rate-limit", "requests per second per user or address "
                                   "(0 disables)")
    .add(rate_burst, "rate-burst", "burst size of the rate limit")
    .add(header_timeout, "header-timeout",
         "seconds a client has to send complete headers")
    .add(keep_alive, "keep-alive", "seconds an idle keep-alive stays open")
    .add(request_timeout, "request-timeout",
         "seconds the gateway waits for a role")
    .add(frontend_dir, "frontend-dir", "folder served at /")
    .add(cors_origin, "cors-origin", "allowed CORS origin (empty: no CORS)")
    .add(trusted_proxies, "trusted-proxies",
         "comma-separated addresses of proxies whose X-Forwarded-For names "
         "the client (the TLS edge)")
    .add(metrics_public, "metrics-public",
         "serve /metrics to everyone (false: loopback only)")
    .add(stream_threads, "stream-threads",
         "HTTP threads video responses may hold at once (0: three quarters "
         "of threads; above: 503)")
    .add(write_timeout, "write-timeout",
         "seconds a reader may take no byte before its connection is cut")
    .add(entitlement_ttl, "entitlement-ttl",
         "seconds the gateway trusts a fetched session state (pushed "
         "changes apply at once)");
  opt_group{custom_options_, "auth"}
    .add(auth_db, "database-url", "PostgreSQL URL of streamify_auth")
    .add(jwt_secret, "jwt-secret", "HS256 secret for tokens (required)")
    .add(token_ttl, "token-ttl", "token lifetime in seconds")
    .add(pwhash_ops, "pwhash-ops", "argon2id operations limit")
    .add(pwhash_mem_kib, "pwhash-mem", "argon2id memory limit in KiB")
    .add(auth_workers, "workers", "password hashing / database workers")
    .add(auth_queue_limit, "queue-limit", "waiting requests before 503")
    .add(login_attempts, "login-attempts", "logins per address+email and window")
    .add(login_window, "login-window", "login throttle window in seconds");
  opt_group{custom_options_, "catalog"}
    .add(catalog_db, "database-url", "PostgreSQL URL of streamify_video")
    .add(catalog_workers, "workers", "database workers of the catalog")
    .add(catalog_media_workers, "media-workers",
         "videos probed (ffprobe, ffmpeg) at the same time")
    .add(catalog_queue_limit, "queue-limit",
         "catalog database requests in flight before 503")
    .add(catalog_media_timeout, "media-timeout",
         "seconds one video's processing may take")
    .add(catalog_categories, "categories",
         "comma-separated video categories (general is the default)");
  opt_group{custom_options_, "media"}
    .add(media_segment_seconds, "segment-seconds",
         "length of an HLS segment in seconds; every rendition has a "
         "keyframe at each multiple of it (1 to 30)")
    .add(media_transcode_jobs, "transcode-jobs",
         "videos transcoded into HLS ladders at the same time (FFmpeg at "
         "nice 19; each uses every core)");
  opt_group{custom_options_, "streaming"}.add(
    streaming_db, "database-url", "PostgreSQL URL of streamify_streaming");
  opt_group{custom_options_, "billing"}
    .add(billing_db, "database-url", "PostgreSQL URL of streamify_billing")
    .add(wallet_idle, "wallet-idle",
         "seconds an idle wallet actor lives before it is passivated")
    .add(deposit_min, "deposit-min", "smallest deposit in cents")
    .add(deposit_max, "deposit-max", "largest deposit in cents")
    .add(billing_writers, "writers",
         "ledger writer connections (group commit; wallets are spread by "
         "user)")
    .add(billing_readers, "readers", "ledger reader connections")
    .add(batch_size, "batch-size", "most charges one ledger commit carries")
    .add(batch_window_us, "batch-window-us",
         "microseconds a batch waits for company (0: commit as soon as the "
         "writer's mailbox is drained)")
    .add(wallet_in_flight, "wallet-in-flight",
         "writes one wallet keeps at the ledger writer at once")
    .add(wallet_queue_limit, "wallet-queue-limit",
         "writes waiting in one wallet before 503");
  opt_group{custom_options_, "analytics"}
    .add(analytics_db, "database-url", "PostgreSQL URL of streamify_analytics")
    .add(analytics_poll_ms, "poll-interval-ms",
         "milliseconds between reads of the billing outbox (how far "
         "revenue on the dashboards may lag)")
    .add(analytics_outbox_page, "outbox-page", "outbox rows read at once")
    .add(analytics_position_buffer, "position-buffer",
         "position samples a node's activity relay keeps for analytics "
         "before it drops the oldest")
    .add(analytics_batch_max, "batch-max",
         "activity events a relay sends (and analytics writes) at once");
  opt_group{custom_options_, "streaming"}
    .add(heartbeat_interval, "heartbeat-interval",
         "seconds between a player's heartbeats")
    .add(idle_timeout, "idle-timeout",
         "seconds without a heartbeat before a session ends")
    .add(streaming_workers, "workers", "session database workers")
    .add(max_playback_rate, "max-playback-rate",
         "fastest playback the paid window allows for (a session receives "
         "at most paid seconds x this + lookahead-seconds of the video)")
    .add(lookahead_seconds, "lookahead-seconds",
         "seconds of the video a session may receive beyond its paid ones")
    .add(grant_ahead_seconds, "grant-ahead-seconds",
         "seconds a gateway may deliver past a granted segment without "
         "asking the session again (they count as received)");
  opt_group{custom_options_, "billing"}
    .add(billing_minute_seconds, "minute-seconds",
         "seconds in a billed minute")
    .add(platform_fee_bps, "platform-fee-bps",
         "platform fee in basis points of each charged minute");
  opt_group{custom_options_, "storage"}
    .add(data_dir, "data-dir", "folder for uploaded media")
    .add(upload_limit, "upload-limit", "largest upload in bytes");
  opt_group{custom_options_, "cluster"}
    .add(cluster_bind, "bind", "address the published roles listen on")
    .add(cluster_port, "port",
         "port publishing this node's roles to other nodes (0: not published)")
    .add(cluster_peers, "peers",
         "roles hosted by other nodes: role@host:port,... (a role hosted "
         "here is used here; billing once per billing node, wallets are "
         "spread over them by user)")
    .add(cluster_advertise, "advertise",
         "host:port the other nodes name this one by in their peers "
         "(default bind:port)")
    .add(cluster_connect_timeout, "connect-timeout",
         "seconds one attempt to reach a peer's role may take")
    .add(cluster_retry_max_ms, "retry-max-ms",
         "longest wait in milliseconds between attempts to reach a lost role "
         "(the wait doubles from 100 ms)")
    .add(cluster_tls, "tls",
         "TLS on every cluster link, published and dialled, checked against "
         "openssl.cafile with openssl.certificate and openssl.key (the node "
         "refuses to start without them)");
  opt_group{custom_options_, "admin"}
    .add(admin_port, "port",
         "port of the admin endpoint actor-inspector connects to (0: off)")
    .add(admin_bind, "bind", "address the admin endpoint listens on")
    .add(admin_secret, "secret",
         "secret every admin request carries (required with admin.port; the "
         "same on every node of a cluster)")
    .add(admin_name, "name",
         "this node's name in actor-inspector (default roles@host:port)");
  // A frozen peer is only noticed with both on, on both sides
  // (toolchain.md); --middleman.heartbeat-interval=... overrides them.
  set("middleman.heartbeat-interval",
      caf::timespan{std::chrono::milliseconds(500)});
  set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(3)});
}

caf::error node_config::parse_command_line(int argc, char** argv) {
  string_list args;
  std::vector<std::string> off;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
      auto name = arg.substr(2, eq - 2);
      auto value = arg.substr(eq + 1);
      auto opt = custom_options_.cli_long_name_lookup(name);
      if (opt != nullptr && opt->is_flag()
          && (value == "true" || value == "false")) {
        if (value == "true")
          args.push_back("--" + name);
        else
          off.emplace_back(opt->full_name().begin(), opt->full_name().end());
        continue;
      }
    }
    args.push_back(std::move(arg));
  }
  if (auto err = parse(std::move(args)))
    return err;
  // After the INI file, which the command line overrides.
  for (const auto& name : off)
    set(name, false);
  return caf::none;
}

std::vector<std::string> node_config::hosted_roles(std::string& error) const {
  if (roles == "all")
    return known_roles();
  std::vector<std::string> out;
  std::istringstream in{roles};
  for (std::string role; std::getline(in, role, ',');) {
    if (role.empty())
      continue;
    bool known = false;
    for (const auto& k : known_roles())
      known = known || k == role;
    if (!known) {
      error = "unknown or unavailable role '" + role + "'";
      return {};
    }
    out.push_back(role);
  }
  if (out.empty())
    error = "no roles given";
  return out;
}

gateway::gateway_settings node_config::gateway_settings() const {
  gateway::gateway_settings s;
  s.bind = http_bind;
  s.port = static_cast<int>(http_port);
  s.threads = static_cast<int>(http_threads);
  s.json_limit = json_limit;
  s.upload_limit = upload_limit;
  s.rate_per_s = static_cast<double>(rate_limit);
  s.rate_burst = static_cast<double>(rate_burst);
  s.header_timeout_s = header_timeout;
  s.keep_alive_s = keep_alive;
  s.request_timeout = std::chrono::seconds(request_timeout);
  s.frontend_dir = frontend_dir;
  s.cors_origin = cors_origin;
  try {
    s.trusted_proxies = gateway::parse_proxy_list(trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string{"http.trusted-proxies: "}
                                + e.what());
  }
  s.metrics_public = metrics_public;
  s.stream_threads = static_cast<int>(stream_threads);
  s.write_timeout_s = write_timeout;
  s.entitlement_ttl_s = entitlement_ttl;
  s.jwt_secret = jwt_secret;
  s.data_dir = data_dir;
  return s;
}

auth::auth_settings node_config::auth_settings() const {
  auth::auth_settings s;
  s.jwt_secret = jwt_secret;
  s.token_ttl_s = token_ttl;
  s.queue_limit = static_cast<size_t>(auth_queue_limit);
  s.login_attempts = login_attempts;
  s.login_window_s = login_window;
  return s;
}

catalog::catalog_settings node_config::catalog_settings() const {
  catalog::catalog_settings s;
  s.categories.clear();
  std::istringstream in{catalog_categories};
  for (std::string c; std::getline(in, c, ',');)
    if (!c.empty())
      s.categories.push_back(c);
  if (std::find(s.categories.begin(), s.categories.end(), "general")
      == s.categories.end())
    s.categories.push_back("general");
  s.queue_limit = static_cast<size_t>(std::max<int64_t>(1, catalog_queue_limit));
  s.media_timeout = std::chrono::seconds(catalog_media_timeout);
  return s;
}

streaming::streaming_settings node_config::streaming_settings() const {
  auto positive = [](int64_t value, const char* name) {
    if (value < 1)
      throw std::invalid_argument(std::string{name} + " must be at least 1");
    return value;
  };
  if (platform_fee_bps < 0 || platform_fee_bps > 10'000)
    throw std::invalid_argument("billing.platform-fee-bps must be 0..10000");
  streaming::streaming_settings s;
  s.session.billing.minute_ms
    = positive(billing_minute_seconds, "billing.minute-seconds") * 1000;
  s.session.billing.heartbeat_interval_ms
    = positive(heartbeat_interval, "streaming.heartbeat-interval") * 1000;
  s.session.billing.idle_timeout_ms
    = positive(idle_timeout, "streaming.idle-timeout") * 1000;
  s.session.fee_bps = platform_fee_bps;
  if (!(max_playback_rate >= 0.25 && max_playback_rate <= 16))
    throw std::invalid_argument(
      "streaming.max-playback-rate must be between 0.25 and 16");
  if (lookahead_seconds < 0 || grant_ahead_seconds < 0)
    throw std::invalid_argument("streaming.lookahead-seconds and "
                                "streaming.grant-ahead-seconds must be >= 0");
  s.session.window.minute_ms = s.session.billing.minute_ms;
  s.session.window.rate_permille = std::llround(max_playback_rate * 1000);
  s.session.window.lookahead_ms = lookahead_seconds * 1000;
  s.session.window.grant_ahead_ms = grant_ahead_seconds * 1000;
  return s;
}

std::string node_config::cluster_address() const {
  if (!cluster_advertise.empty())
    return cluster_advertise;
  if (cluster_port <= 0)
    return "";
  return cluster_bind + ":" + std::to_string(cluster_port);
}

billing::billing_topology node_config::billing_topology() const {
  billing::billing_topology t;
  t.writers = static_cast<size_t>(std::max<int64_t>(1, billing_writers));
  t.readers = static_cast<size_t>(std::max<int64_t>(1, billing_readers));
  t.writer.batch_max = static_cast<size_t>(std::max<int64_t>(1, batch_size));
  t.writer.batch_window
    = std::chrono::microseconds(std::max<int64_t>(0, batch_window_us));
  t.settings.deposit_min_cents = deposit_min;
  t.settings.deposit_max_cents = deposit_max;
  t.settings.wallet.idle = std::chrono::seconds(std::max<int64_t>(1, wallet_idle));
  t.settings.wallet.max_in_flight
    = static_cast<size_t>(std::max<int64_t>(1, wallet_in_flight));
  t.settings.wallet.queue_limit
    = static_cast<size_t>(std::max<int64_t>(1, wallet_queue_limit));
  t.settings.read_timeout
    = std::chrono::seconds(std::max<int64_t>(1, request_timeout - 1));
  return t;
}

analytics::analytics_settings node_config::analytics_settings() const {
  analytics::analytics_settings s;
  s.poll_interval
    = std::chrono::milliseconds(std::max<int64_t>(10, analytics_poll_ms));
  s.outbox_page = std::max<int64_t>(1, analytics_outbox_page);
  s.request_timeout
    = std::chrono::seconds(std::max<int64_t>(1, request_timeout - 1));
  return s;
}

analytics::activity_relay_settings node_config::activity_relay_settings() const {
  analytics::activity_relay_settings s;
  s.position_buffer
    = static_cast<size_t>(std::max<int64_t>(0, analytics_position_buffer));
  s.batch_max = static_cast<size_t>(std::max<int64_t>(1, analytics_batch_max));
  // Longer than analytics waits for its database, so a slow commit is not
  // sent again while it is still under way.
  s.request_timeout = std::chrono::seconds(std::max<int64_t>(2, request_timeout));
  s.backoff_max
    = std::chrono::milliseconds(std::max<int64_t>(100, cluster_retry_max_ms));
  return s;
}

} // namespace streamify::node
