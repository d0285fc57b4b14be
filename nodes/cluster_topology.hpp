#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace streamify::node {

// Where one role hosted by another node is published.
struct remote_role {
  std::string role;
  std::string host;
  uint16_t port = 0;
};

// The role a cluster may run on several nodes: wallets are spread over the
// billing nodes by user (actors/billing/shard_map.hpp).
inline constexpr const char* sharded_role = "billing";

// Parses `cluster.peers`: a comma-separated list of `role@host:port`, e.g.
// "billing@10.0.0.2:7100,catalog@10.0.0.3:7100". Roles in `hosted` are left
// out (a role present locally is used locally), except billing, which may be
// listed once per billing node: a node hosting billing keeps the other
// billing nodes and leaves out only the entry naming itself (`self`,
// host:port as the others know it). Throws std::invalid_argument naming the
// bad entry.
std::vector<remote_role> parse_peers(const std::string& text,
                                     const std::vector<std::string>& hosted,
                                     const std::string& self = "");

// "host:port", as entries of cluster.peers name a node.
std::string address_of(const remote_role& r);

// The billing nodes wallets are spread over, by address: the remote ones and
// `self` when this node hosts billing. Fewer than two: no sharding.
std::vector<std::string>
billing_nodes(const std::vector<std::string>& hosted,
              const std::vector<remote_role>& remote, const std::string& self);

// The roles the directory serves: the hosted ones, then the remote ones, in
// known_roles() order.
std::vector<std::string>
configured_roles(const std::vector<std::string>& hosted,
                 const std::vector<remote_role>& remote);

} // namespace streamify::node
