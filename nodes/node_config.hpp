#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "actors/auth/auth_actor.hpp"
#include "actors/catalog/catalog_actor.hpp"
#include "actors/streaming/streaming_actor.hpp"
#include "actors/billing/billing_actor.hpp"
#include "actors/analytics/activity_relay.hpp"
#include "actors/analytics/analytics_actor.hpp"
#include "gateway/http_gateway.hpp"

namespace streamify::node {

// Every option of streamify-node: CAF reads them from --config-file (INI) and
// the command line; durations are whole seconds.
class node_config : public caf::actor_system_config {
public:
  node_config();

  // parse(argc, argv), except that a bool option also takes =true and
  // =false on the command line (--cluster.tls=true), which CAF 0.17 refuses
  // (it knows the bare flag only).
  caf::error parse_command_line(int argc, char** argv);

  // The roles to host, `all` expanded; empty plus an error text when unknown.
  std::vector<std::string> hosted_roles(std::string& error) const;

  gateway::gateway_settings gateway_settings() const;
  auth::auth_settings auth_settings() const;
  catalog::catalog_settings catalog_settings() const;
  // Throws std::invalid_argument naming a bad streaming/billing option.
  streaming::streaming_settings streaming_settings() const;
  billing::billing_topology billing_topology() const;
  analytics::analytics_settings analytics_settings() const;
  analytics::activity_relay_settings activity_relay_settings() const;

  std::string roles = "all";
  bool dev = false;
  std::string log_level = "info";
  std::string access_log = "stdout";
  std::string create_admin;
  bool reconcile = false;
  bool print_routes = false;

  std::string http_bind = "127.0.0.1";
  int64_t http_port = 8080;
  int64_t http_threads = 256;
  int64_t json_limit = 1 << 20;
  int64_t rate_limit = 500;
  int64_t rate_burst = 1000;
  int64_t header_timeout = 10;
  int64_t keep_alive = 5;
  int64_t request_timeout = 15;
  std::string frontend_dir = "frontend";
  std::string cors_origin;
  std::string trusted_proxies;
  bool metrics_public = true;
  int64_t stream_threads = 0;
  int64_t write_timeout = 10;
  int64_t entitlement_ttl = 10;

  std::string auth_db = "postgresql://postgres@127.0.0.1:5433/streamify_auth";
  std::string jwt_secret;
  int64_t token_ttl = 12 * 3600;
  int64_t pwhash_ops = 2;
  int64_t pwhash_mem_kib = 64 * 1024;
  int64_t auth_workers = 2;
  int64_t auth_queue_limit = 64;
  int64_t login_attempts = 10;
  int64_t login_window = 60;

  std::string catalog_db = "postgresql://postgres@127.0.0.1:5433/streamify_video";
  int64_t catalog_workers = 2;
  int64_t catalog_media_workers = 1;
  int64_t catalog_queue_limit = 256;
  int64_t catalog_media_timeout = 1800;
  std::string catalog_categories
    = "general,music,education,gaming,sports,news,comedy,film,tech";
  // HLS ladders made by the catalog (actors/catalog/transcoder.hpp).
  int64_t media_segment_seconds = 4;
  int64_t media_transcode_jobs = 1;
  std::string streaming_db
    = "postgresql://postgres@127.0.0.1:5433/streamify_streaming";
  std::string billing_db = "postgresql://postgres@127.0.0.1:5433/streamify_billing";
  int64_t wallet_idle = 300;
  int64_t deposit_min = 1;
  int64_t deposit_max = 100000;
  int64_t billing_writers = 2;
  int64_t billing_readers = 2;
  int64_t batch_size = 1024;
  int64_t batch_window_us = 0;
  int64_t wallet_in_flight = 64;
  int64_t wallet_queue_limit = 4096;
  std::string analytics_db
    = "postgresql://postgres@127.0.0.1:5433/streamify_analytics";
  int64_t analytics_poll_ms = 1000;
  int64_t analytics_outbox_page = 500;
  int64_t analytics_position_buffer = 10'000;
  int64_t analytics_batch_max = 2'000;

  // Viewing sessions (streaming role).
  int64_t billing_minute_seconds = 60;
  int64_t platform_fee_bps = 2000;
  int64_t heartbeat_interval = 10;
  int64_t idle_timeout = 30;
  int64_t streaming_workers = 2;
  // The paid window (actors/streaming/paid_window.hpp).
  double max_playback_rate = 2.0;
  int64_t lookahead_seconds = 60;
  int64_t grant_ahead_seconds = 16;

  std::string data_dir = "var";
  int64_t upload_limit = int64_t{2} << 30;

  // Several nodes (nodes/cluster.hpp); the middleman's heartbeat options
  // live in CAF's own `middleman` group.
  std::string cluster_bind = "127.0.0.1";
  int64_t cluster_port = 0;
  std::string cluster_peers;
  std::string cluster_advertise;
  int64_t cluster_connect_timeout = 3;
  int64_t cluster_retry_max_ms = 2000;
  // TLS node links (nodes/node_links.hpp) with CAF's openssl.* options.
  bool cluster_tls = false;

  // The operator's admin endpoint (nodes/inspector_actor.hpp).
  int64_t admin_port = 0;
  std::string admin_bind = "127.0.0.1";
  std::string admin_secret;
  std::string admin_name;

  // host:port under which the other nodes list this one in cluster.peers
  // (cluster.advertise, else cluster.bind:cluster.port; empty when this node
  // publishes nothing).
  std::string cluster_address() const;
};

// The roles this build can host, in start order.
const std::vector<std::string>& known_roles();

} // namespace streamify::node
