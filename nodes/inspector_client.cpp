#include "nodes/inspector_client.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <caf/io/middleman.hpp>

#include "actors/common/errc.hpp"

namespace streamify::node {

bool cluster_node::hosts(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end()
         || std::find(roles.begin(), roles.end(), "all") != roles.end();
}

inspector_client::inspector_client(caf::actor_system& sys, std::string secret,
                                   caf::timespan timeout)
  : sys_(sys), secret_(std::move(secret)), timeout_(timeout) {}

admin::inspector_actor
inspector_client::connect(const std::string& endpoint) {
  auto colon = endpoint.rfind(':');
  auto host = endpoint.substr(0, colon);
  auto port = static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1)));
  auto handle = sys_.middleman().remote_actor<admin::inspector_actor>(host,
                                                                     port);
  if (!handle)
    throw client_error("cannot reach the admin endpoint at " + endpoint + ": "
                         + sys_.render(handle.error()),
                       2);
  return *handle;
}

std::string inspector_client::describe(const caf::error& err) const {
  if (err.category() == caf::atom("streamify")) {
    const auto& ctx = err.context();
    if (ctx.size() > 1 && ctx.match_element<std::string>(1))
      return ctx.get_as<std::string>(1);
  }
  if (err == caf::sec::request_timeout)
    return "no answer in time";
  return sys_.render(err);
}

std::vector<cluster_node> inspector_client::discover(const std::string& host,
                                                     uint16_t port) {
  std::vector<cluster_node> nodes;
  std::map<std::string, size_t> by_endpoint; // admin and cluster endpoints
  std::deque<std::string> to_visit{host + ":" + std::to_string(port)};
  while (!to_visit.empty()) {
    auto endpoint = to_visit.front();
    to_visit.pop_front();
    if (by_endpoint.count(endpoint))
      continue;
    cluster_node n;
    n.name = endpoint;
    n.admin_endpoint = endpoint;
    n.handle = connect(endpoint);
    auto info = ask<admin::node_info>(n, admin::node_info_atom::value, secret_,
                                      true);
    n = cluster_node{info.name,  info.admin_endpoint, info.cluster_endpoint,
                     info.roles, true,                info.uptime_ms,
                     info.build, n.handle};
    auto index = nodes.size();
    by_endpoint[endpoint] = index;
    by_endpoint[info.admin_endpoint] = index;
    if (!info.cluster_endpoint.empty()) {
      // Seen as unreachable by an earlier node, reachable from here.
      if (auto i = by_endpoint.find(info.cluster_endpoint);
          i != by_endpoint.end() && !nodes[i->second].reachable) {
        nodes[i->second] = n;
        by_endpoint[endpoint] = i->second;
        by_endpoint[info.admin_endpoint] = i->second;
        index = i->second;
      } else {
        by_endpoint[info.cluster_endpoint] = index;
      }
    }
    if (index == nodes.size())
      nodes.push_back(n);
    for (const auto& peer : info.peers) {
      if (peer.reachable && !peer.admin_endpoint.empty()) {
        to_visit.push_back(peer.admin_endpoint);
      } else if (!by_endpoint.count(peer.cluster_endpoint)) {
        cluster_node lost;
        lost.name = peer.cluster_endpoint
                    + (peer.name.empty() ? "" : " (" + peer.name + ")");
        lost.cluster_endpoint = peer.cluster_endpoint;
        lost.roles = peer.roles;
        by_endpoint[peer.cluster_endpoint] = nodes.size();
        nodes.push_back(lost);
      }
    }
  }
  return nodes;
}

} // namespace streamify::node
