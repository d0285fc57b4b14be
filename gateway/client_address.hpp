#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace streamify::gateway {

// One trusted network: an IPv4 or IPv6 address with a prefix length
// ("127.0.0.1", "172.30.0.0/24", "::1").
struct address_range {
  int family = 0; // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;

  bool contains(const std::string& address) const;
};

// Addresses or networks of the reverse proxies in front of the gateway (the
// TLS edge), from a comma-separated list. Throws std::invalid_argument
// naming an entry that is no address or network.
std::vector<address_range> parse_proxy_list(const std::string& list);

// The client's address: the peer's own, unless the peer is a trusted proxy
// that names the client in X-Forwarded-For. The header is read from the
// right, skipping trusted proxies, so a client cannot pass off an address
// of its choice by sending the header itself.
std::string client_address(const std::string& peer,
                           const std::string& forwarded_for,
                           const std::vector<address_range>& trusted);

} // namespace streamify::gateway
