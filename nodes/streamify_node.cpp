// streamify-node: the one program every Streamify node runs. It hosts the
// roles it is given, serves HTTP when it hosts the gateway, and drains on
// SIGINT/SIGTERM.
#include <csignal>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <sodium.h>
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "nodes/admin_endpoint.hpp"
#include "nodes/cluster.hpp"
#include "nodes/node_config.hpp"
#include "nodes/node_links.hpp"
#include "nodes/openssl_error_queue.hpp"
#include "nodes/roles.hpp"

using namespace streamify;

namespace {

void setup_logging(const node::node_config& cfg) {
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (cfg.access_log == "off")
    return;
  spdlog::init_thread_pool(8192, 1);
  auto log = cfg.access_log == "stdout"
               ? spdlog::stdout_logger_mt<spdlog::async_factory>("access")
               : spdlog::basic_logger_mt<spdlog::async_factory>(
                 "access", cfg.access_log);
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e access %v");
  log->set_level(spdlog::level::info);
}

std::string admin_password() {
  if (auto env = std::getenv("STREAMIFY_ADMIN_PASSWORD"))
    return env;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void add_routes(gateway::http_gateway& gw) {
  gateway::add_ops_routes(gw);
  gateway::add_auth_routes(gw);
  gateway::add_catalog_routes(gw);
  gateway::add_session_routes(gw);
  gateway::add_stream_routes(gw);
  gateway::add_billing_routes(gw);
  gateway::add_analytics_routes(gw);
}

// The routes a gateway node serves, without serving them (the OpenAPI route
// coverage test compares them with docs/openapi.yaml).
int print_routes(node::node_config& cfg) {
  caf::actor_system sys{cfg};
  gateway::directory no_roles{{}};
  gateway::http_gateway gw{sys, gateway::gateway_settings{}, no_roles,
                           std::make_shared<system_clock>()};
  add_routes(gw);
  for (const auto& route : gw.routes())
    std::cout << route << '\n';
  return 0;
}

int run(node::node_config& cfg) {
  std::string error;
  auto roles = cfg.hosted_roles(error);
  if (!error.empty()) {
    spdlog::error("{}", error);
    return 2;
  }
  auto hosts = [&](const std::string& r) {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
  };
  if (cfg.jwt_secret.empty()) {
    if (!cfg.dev) {
      spdlog::error("auth.jwt-secret is required (or run with --dev)");
      return 2;
    }
    unsigned char key[32];
    randombytes_buf(key, sizeof(key));
    char hex[65];
    cfg.jwt_secret = sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    spdlog::warn("--dev: using a random JWT secret; tokens die with the node");
  }
  std::vector<node::remote_role> remote;
  try {
    remote = node::parse_peers(cfg.cluster_peers, roles, cfg.cluster_address());
    cfg.gateway_settings(); // refuses options it cannot read
  } catch (const std::invalid_argument& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  if (cfg.admin_port > 0 && cfg.admin_secret.empty()) {
    spdlog::error("admin.secret is required with admin.port");
    return 2;
  }
  if (auto problem = node::prepare_links(cfg); !problem.empty()) {
    spdlog::error("{}", problem);
    return 2;
  }
  if (cfg.cluster_tls && !node::ssl_io_clears_error_queue()) {
    spdlog::error("cluster.tls: this build does not wrap SSL_read/SSL_write "
                  "(nodes/openssl_error_queue.cpp), so TLS links would flap");
    return 2;
  }
  auto clk = std::make_shared<system_clock>();
  caf::actor_system sys{cfg};
  std::vector<caf::actor> started;
  auto dir = std::make_shared<gateway::directory>(
    node::configured_roles(roles, remote));
  node::cluster_membership cluster{sys, cfg, roles, remote, dir};
  std::map<std::string, caf::actor> hosted;
  // Start order matters: streaming is handed the billing and catalog handles
  // (locators when those roles live on other nodes).
  auto start = [&](const std::string& role, auto&& spawn) {
    if (!hosts(role))
      return;
    started.push_back(spawn());
    dir->set(role, started.back());
    hosted[role] = started.back();
  };
  try {
    start("billing", [&] {
      return node::start_billing_role(sys, cfg, clk, cluster.billing_shards());
    });
    start("analytics", [&] {
      return node::start_analytics_role(sys, cfg, cluster.handle_for("billing"));
    });
    // Before the roles that report activity (analytics::track), so nothing
    // they report is lost, not even while analytics is down.
    if (auto analytics = cluster.handle_for("analytics"))
      started.push_back(node::start_activity_relay(sys, cfg, analytics));
    start("auth", [&] { return node::start_auth_role(sys, cfg, clk); });
    start("catalog", [&] { return node::start_catalog_role(sys, cfg, clk); });
    start("streaming", [&] {
      return node::start_streaming_role(sys, cfg, clk,
                                        cluster.handle_for("billing"),
                                        cluster.handle_for("catalog"));
    });
    // Published with the roles too, so peers' inspectors find it.
    if (auto inspector
        = node::start_admin_endpoint(sys, cfg, hosted, remote, clk)) {
      started.push_back(inspector);
      hosted["inspector"] = inspector;
    }
    cluster.publish(hosted);
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    cluster.stop();
    for (auto& a : started)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    return 1;
  }

  std::unique_ptr<gateway::http_gateway> gw;
  if (hosts("gateway")) {
    gw = std::make_unique<gateway::http_gateway>(sys, cfg.gateway_settings(),
                                                 *dir, clk);
    add_routes(*gw);
    if (!gw->bind()) {
      spdlog::error("cannot listen on {}:{}", cfg.http_bind, cfg.http_port);
      cluster.stop();
      for (auto& a : started)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      return 1;
    }
    spdlog::info("gateway listening on http://{}:{}/", cfg.http_bind,
                 gw->port());
  }
  auto signals = stop_signals();
  std::thread waiter{[&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: draining", sig);
    if (gw)
      gw->stop();
  }};
  spdlog::info("node up, roles: {}", cfg.roles);
  if (gw) {
    gw->run();
  }
  waiter.join();
  gw.reset(); // in-flight requests finish before the roles go
  cluster.stop();
  for (auto& a : started)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  spdlog::info("node stopped");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  node::node_config cfg;
  if (auto err = cfg.parse_command_line(argc, argv)) {
    std::cerr << "error: " << cfg.render(err) << '\n';
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (sodium_init() < 0) {
    std::cerr << "error: libsodium failed to initialise\n";
    return 1;
  }
  // Block the stop signals before any thread starts, so only the waiting
  // thread in run() receives them.
  auto signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  if (cfg.print_routes) {
    spdlog::set_level(spdlog::level::off);
    return print_routes(cfg);
  }
  setup_logging(cfg);
  int rc = cfg.reconcile                ? node::reconcile(cfg)
           : !cfg.create_admin.empty() ? node::create_admin(cfg, admin_password())
                                       : run(cfg);
  spdlog::shutdown();
  return rc;
}
