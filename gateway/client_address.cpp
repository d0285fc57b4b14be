#include "gateway/client_address.hpp"

#include <algorithm>
#include <stdexcept>

#include <arpa/inet.h>
#include <sys/socket.h>

namespace streamify::gateway {

namespace {

std::string trimmed(const std::string& s, size_t first, size_t last) {
  while (first < last && (s[first] == ' ' || s[first] == '\t'))
    ++first;
  while (last > first && (s[last - 1] == ' ' || s[last - 1] == '\t'))
    --last;
  return s.substr(first, last - first);
}

// The address's family and bytes, or family 0.
address_range parse_address(const std::string& text) {
  address_range r;
  if (::inet_pton(AF_INET, text.c_str(), r.bytes.data()) == 1) {
    r.family = AF_INET;
    r.prefix = 32;
  } else if (::inet_pton(AF_INET6, text.c_str(), r.bytes.data()) == 1) {
    r.family = AF_INET6;
    r.prefix = 128;
  }
  return r;
}

address_range parse_range(const std::string& text) {
  auto slash = text.find('/');
  auto r = parse_address(text.substr(0, slash));
  if (r.family == 0)
    throw std::invalid_argument("not an IP address or network: " + text);
  if (slash == std::string::npos)
    return r;
  auto bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 3
      || !std::all_of(bits.begin(), bits.end(),
                      [](char c) { return c >= '0' && c <= '9'; })
      || std::stoi(bits) > r.prefix)
    throw std::invalid_argument("not a prefix length: " + text);
  r.prefix = std::stoi(bits);
  return r;
}

bool trusted_by(const std::vector<address_range>& trusted,
                const std::string& address) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const auto& r) { return r.contains(address); });
}

} // namespace

bool address_range::contains(const std::string& address) const {
  auto a = parse_address(address);
  if (a.family != family)
    return false;
  auto whole = static_cast<size_t>(prefix / 8);
  if (!std::equal(bytes.begin(), bytes.begin() + whole, a.bytes.begin()))
    return false;
  auto rest = prefix % 8;
  if (rest == 0)
    return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (bytes[whole] & mask) == (a.bytes[whole] & mask);
}

std::vector<address_range> parse_proxy_list(const std::string& list) {
  std::vector<address_range> out;
  size_t first = 0;
  while (first <= list.size()) {
    auto comma = std::min(list.find(',', first), list.size());
    auto item = trimmed(list, first, comma);
    if (!item.empty())
      out.push_back(parse_range(item));
    first = comma + 1;
  }
  return out;
}

std::string client_address(const std::string& peer,
                           const std::string& forwarded_for,
                           const std::vector<address_range>& trusted) {
  if (forwarded_for.empty() || !trusted_by(trusted, peer))
    return peer;
  auto last = forwarded_for.size();
  while (last > 0) {
    auto comma = forwarded_for.rfind(',', last - 1);
    auto first = comma == std::string::npos ? 0 : comma + 1;
    auto hop = trimmed(forwarded_for, first, last);
    if (!hop.empty() && !trusted_by(trusted, hop))
      return hop;
    if (comma == std::string::npos)
      break;
    last = comma;
  }
  return peer;
}

} // namespace streamify::gateway
