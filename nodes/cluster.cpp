#include "nodes/cluster.hpp"

#include <algorithm>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "nodes/node_links.hpp"
#include "nodes/role_host.hpp"

namespace streamify::node {

bool clustered(const node_config& cfg) {
  return cfg.cluster_port > 0 || !cfg.cluster_peers.empty();
}

cluster_membership::cluster_membership(caf::actor_system& sys,
                                       const node_config& cfg,
                                       std::vector<remote_role> remote,
                                       std::shared_ptr<gateway::directory> dir)
  : sys_(sys), cfg_(cfg), dir_(std::move(dir)) {
  role_locator_settings settings;
  settings.connect_timeout
    = std::chrono::seconds(std::max<int64_t>(1, cfg.cluster_connect_timeout));
  settings.backoff_max
    = std::chrono::milliseconds(std::max<int64_t>(100, cfg.cluster_retry_max_ms));
  for (auto& where : remote) {
    auto role = where.role;
    std::weak_ptr<gateway::directory> board = dir_;
    locators_[role] = sys_.spawn(
      role_locator, std::move(where), settings,
      [board, role](const caf::actor& handle) {
        if (auto d = board.lock())
          d->set(role, handle);
      });
  }
}

cluster_membership::~cluster_membership() {
  stop();
}

caf::actor cluster_membership::handle_for(const std::string& role) const {
  if (auto i = locators_.find(role); i != locators_.end())
    return i->second;
  return dir_->get(role);
}

void cluster_membership::publish(
  const std::map<std::string, caf::actor>& hosted) {
  if (cfg_.cluster_port <= 0)
    return;
  host_ = sys_.spawn(role_host, hosted);
  auto port = publish_link(sys_, host_,
                           static_cast<uint16_t>(cfg_.cluster_port),
                           cfg_.cluster_bind);
  if (!port)
    throw std::runtime_error("cannot publish on " + cfg_.cluster_bind + ":"
                             + std::to_string(cfg_.cluster_port) + ": "
                             + sys_.render(port.error()));
  spdlog::info("cluster: roles published on {}:{}{}", cfg_.cluster_bind, *port,
               cfg_.cluster_tls ? " (TLS)" : "");
}

void cluster_membership::stop() {
  for (auto& [role, locator] : locators_)
    caf::anon_send_exit(locator, caf::exit_reason::user_shutdown);
  locators_.clear();
  if (host_)
    caf::anon_send_exit(host_, caf::exit_reason::user_shutdown);
  host_ = nullptr;
}

} // namespace streamify::node
