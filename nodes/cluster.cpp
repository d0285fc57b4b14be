#include "nodes/cluster.hpp"

#include <algorithm>
#include <stdexcept>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/billing/billing_shard_router.hpp"
#include "nodes/node_links.hpp"
#include "nodes/role_host.hpp"

namespace streamify::node {

bool clustered(const node_config& cfg) {
  return cfg.cluster_port > 0 || !cfg.cluster_peers.empty();
}

cluster_membership::cluster_membership(caf::actor_system& sys,
                                       const node_config& cfg,
                                       const std::vector<std::string>& hosted,
                                       std::vector<remote_role> remote,
                                       std::shared_ptr<gateway::directory> dir)
  : sys_(sys), cfg_(cfg), dir_(std::move(dir)), self_(cfg.cluster_address()) {
  role_locator_settings settings;
  settings.connect_timeout
    = std::chrono::seconds(std::max<int64_t>(1, cfg.cluster_connect_timeout));
  settings.backoff_max
    = std::chrono::milliseconds(std::max<int64_t>(100, cfg.cluster_retry_max_ms));
  auto nodes = billing_nodes(hosted, remote, self_);
  if (nodes.size() > 1)
    billing_nodes_ = nodes;
  bool routed = !billing_nodes_.empty()
                && std::find(hosted.begin(), hosted.end(), sharded_role)
                     == hosted.end();
  for (auto& where : remote) {
    auto role = where.role;
    // Behind the shard router, one billing node's loss is that node's
    // wallets' loss only: the directory keeps the router.
    bool in_directory = !(routed && role == sharded_role);
    std::weak_ptr<gateway::directory> board = dir_;
    auto locator = sys_.spawn(
      role_locator, where, settings,
      [board, role, in_directory](const caf::actor& handle) {
        if (auto d = board.lock(); d && in_directory)
          d->set(role, handle);
      });
    locators_.push_back({std::move(where), locator});
  }
  if (routed) {
    auto shards = billing_shards();
    shard_router_ = caf::actor_cast<caf::actor>(
      sys_.spawn(billing::billing_shard_router, shards.map, shards.nodes,
                 caf::timespan{std::chrono::seconds(
                   std::max<int64_t>(1, cfg.request_timeout - 1))}));
    dir_->set(sharded_role, shard_router_);
  }
  if (!billing_nodes_.empty()) {
    std::string names;
    for (const auto& n : billing_nodes_)
      names += (names.empty() ? "" : ", ") + n;
    spdlog::info("cluster: wallets spread over {} billing nodes: {}",
                 billing_nodes_.size(), names);
  }
}

cluster_membership::~cluster_membership() {
  stop();
}

caf::actor cluster_membership::handle_for(const std::string& role) const {
  if (role == sharded_role && shard_router_)
    return shard_router_;
  for (const auto& l : locators_)
    if (l.where.role == role)
      return l.locator;
  return dir_->get(role);
}

billing::billing_shards cluster_membership::billing_shards() const {
  billing::billing_shards out;
  if (billing_nodes_.empty())
    return out;
  out.map = billing::shard_map{billing_nodes_};
  out.nodes.resize(out.map.size());
  out.self = out.map.index_of(self_);
  for (const auto& l : locators_)
    if (l.where.role == sharded_role)
      out.nodes[out.map.index_of(address_of(l.where))]
        = caf::actor_cast<billing::billing_router_actor>(l.locator);
  return out;
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
  for (auto& l : locators_)
    caf::anon_send_exit(l.locator, caf::exit_reason::user_shutdown);
  locators_.clear();
  if (shard_router_)
    caf::anon_send_exit(shard_router_, caf::exit_reason::user_shutdown);
  shard_router_ = nullptr;
  if (host_)
    caf::anon_send_exit(host_, caf::exit_reason::user_shutdown);
  host_ = nullptr;
}

} // namespace streamify::node
