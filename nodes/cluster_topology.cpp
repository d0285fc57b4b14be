#include "nodes/cluster_topology.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include "nodes/node_config.hpp"

namespace streamify::node {

namespace {

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

remote_role parse_entry(const std::string& entry) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("cluster.peers: '" + entry + "': " + why);
  };
  auto at = entry.find('@');
  auto colon = entry.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at)
    throw bad("expected role@host:port");
  remote_role out;
  out.role = entry.substr(0, at);
  out.host = entry.substr(at + 1, colon - at - 1);
  auto port = entry.substr(colon + 1);
  if (!contains(known_roles(), out.role) || out.role == "gateway")
    throw bad("unknown role '" + out.role + "'");
  if (out.host.empty())
    throw bad("missing host");
  if (port.empty() || port.size() > 5
      || !std::all_of(port.begin(), port.end(), ::isdigit)
      || std::stoi(port) < 1 || std::stoi(port) > 65535)
    throw bad("port must be 1..65535");
  out.port = static_cast<uint16_t>(std::stoi(port));
  return out;
}

} // namespace

std::string address_of(const remote_role& r) {
  return r.host + ":" + std::to_string(r.port);
}

std::vector<remote_role> parse_peers(const std::string& text,
                                     const std::vector<std::string>& hosted,
                                     const std::string& self) {
  std::vector<remote_role> out;
  std::istringstream in{text};
  for (std::string entry; std::getline(in, entry, ',');) {
    entry.erase(std::remove(entry.begin(), entry.end(), ' '), entry.end());
    if (entry.empty())
      continue;
    auto peer = parse_entry(entry);
    bool sharded = peer.role == sharded_role;
    for (const auto& known : out)
      if (known.role == peer.role
          && (!sharded || address_of(known) == address_of(peer)))
        throw std::invalid_argument("cluster.peers: '" + entry
                                    + "' is given twice");
    // A billing node that publishes keeps the other billing nodes.
    bool keep = !contains(hosted, peer.role)
                || (sharded && !self.empty() && address_of(peer) != self);
    if (keep)
      out.push_back(std::move(peer));
  }
  return out;
}

std::vector<std::string>
billing_nodes(const std::vector<std::string>& hosted,
              const std::vector<remote_role>& remote, const std::string& self) {
  std::vector<std::string> out;
  for (const auto& r : remote)
    if (r.role == sharded_role)
      out.push_back(address_of(r));
  if (!out.empty() && contains(hosted, sharded_role))
    out.push_back(self);
  return out;
}

std::vector<std::string>
configured_roles(const std::vector<std::string>& hosted,
                 const std::vector<remote_role>& remote) {
  std::vector<std::string> out;
  for (const auto& role : known_roles()) {
    bool is_remote = std::any_of(remote.begin(), remote.end(),
                                 [&](const auto& r) { return r.role == role; });
    if (contains(hosted, role) || is_remote)
      out.push_back(role);
  }
  return out;
}

} // namespace streamify::node
