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

// Parses `cluster.peers`: a comma-separated list of `role@host:port`, e.g.
// "billing@10.0.0.2:7100,catalog@10.0.0.3:7100". Roles in `hosted` are left
// out (a role present locally is used locally). Throws std::invalid_argument
// naming the bad entry.
std::vector<remote_role> parse_peers(const std::string& text,
                                     const std::vector<std::string>& hosted);

// The roles the directory serves: the hosted ones, then the remote ones, in
// known_roles() order.
std::vector<std::string>
configured_roles(const std::vector<std::string>& hosted,
                 const std::vector<remote_role>& remote);

} // namespace streamify::node
