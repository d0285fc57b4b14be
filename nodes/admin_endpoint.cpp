#include "nodes/admin_endpoint.hpp"

#include <stdexcept>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "nodes/inspector_actor.hpp"

namespace streamify::node {

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    return "localhost";
  return buf;
}

template <class Handle>
Handle hosted_role(const std::map<std::string, caf::actor>& hosted,
                   const std::string& role) {
  auto i = hosted.find(role);
  return i == hosted.end() ? Handle{} : caf::actor_cast<Handle>(i->second);
}

} // namespace

caf::actor start_admin_endpoint(caf::actor_system& sys, const node_config& cfg,
                                const std::map<std::string, caf::actor>& hosted,
                                const std::vector<remote_role>& remote,
                                std::shared_ptr<const clock> clk) {
  if (cfg.admin_port <= 0)
    return {};
  std::string error;
  inspector_settings s;
  s.secret = cfg.admin_secret;
  s.roles = cfg.hosted_roles(error);
  if (cfg.cluster_port > 0)
    s.cluster_endpoint
      = cfg.cluster_bind + ":" + std::to_string(cfg.cluster_port);
  s.admin_endpoint = cfg.admin_bind + ":" + std::to_string(cfg.admin_port);
  s.name = cfg.admin_name.empty()
             ? cfg.roles + "@" + host_name() + ":"
                 + std::to_string(cfg.admin_port)
             : cfg.admin_name;
  s.build = build_id();
  s.peers = remote;
  if (hosted.count("billing"))
    s.billing_db = cfg.billing_db;
  s.peer_timeout
    = std::chrono::seconds(std::max<int64_t>(1, cfg.cluster_connect_timeout));
  s.role_timeout
    = std::chrono::seconds(std::max<int64_t>(1, cfg.request_timeout - 1));
  inspector_roles roles{
    hosted_role<billing::billing_router_actor>(hosted, "billing"),
    hosted_role<streaming::streaming_actor>(hosted, "streaming")};
  auto name = s.name;
  auto handle = sys.spawn(inspector, std::move(s), std::move(roles),
                          std::move(clk));
  auto port = sys.middleman().publish(
    handle, static_cast<uint16_t>(cfg.admin_port), cfg.admin_bind.c_str(),
    true);
  if (!port) {
    caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
    throw std::runtime_error("cannot publish the admin endpoint on "
                             + cfg.admin_bind + ":"
                             + std::to_string(cfg.admin_port) + ": "
                             + sys.render(port.error()));
  }
  spdlog::info("admin endpoint of {} on {}:{}", name, cfg.admin_bind, *port);
  return caf::actor_cast<caf::actor>(handle);
}

} // namespace streamify::node
