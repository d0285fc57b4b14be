#define CAF_SUITE client_address

#include "gateway/client_address.hpp"

#include <stdexcept>

#include <caf/test/unit_test.hpp>

using streamify::gateway::client_address;
using streamify::gateway::parse_proxy_list;

namespace {

const auto edge = parse_proxy_list("127.0.0.1, ::1");

} // namespace

CAF_TEST(a proxy list holds addresses and networks of both families) {
  CAF_CHECK_EQUAL(parse_proxy_list("").size(), 0u);
  auto nets = parse_proxy_list(" 172.30.0.0/24 ,fd00::/8,,10.0.0.1");
  CAF_REQUIRE_EQUAL(nets.size(), 3u);
  CAF_CHECK(nets[0].contains("172.30.0.17"));
  CAF_CHECK(!nets[0].contains("172.30.1.17"));
  CAF_CHECK(!nets[0].contains("::1"));
  CAF_CHECK(nets[1].contains("fd12:3456::1"));
  CAF_CHECK(!nets[1].contains("fe80::1"));
  CAF_CHECK(nets[2].contains("10.0.0.1"));
  CAF_CHECK(!nets[2].contains("10.0.0.2"));
  CAF_CHECK(!nets[2].contains("not an address"));
  CAF_CHECK(parse_proxy_list("10.0.0.0/20")[0].contains("10.0.15.255"));
  CAF_CHECK(!parse_proxy_list("10.0.0.0/20")[0].contains("10.0.16.0"));
}

CAF_TEST(an entry that is no address or network is refused) {
  for (auto bad : {"edge", "10.0.0.0/33", "::/129", "10.0.0.0/", "1.2.3.4/x"}) {
    auto refused = false;
    try {
      parse_proxy_list(bad);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    CAF_CHECK(refused);
  }
}

CAF_TEST(a peer that is no trusted proxy is the client whatever it sends) {
  CAF_CHECK_EQUAL(client_address("203.0.113.9", "10.1.1.1", edge),
                  "203.0.113.9");
  CAF_CHECK_EQUAL(client_address("127.0.0.1", "10.1.1.1", {}), "127.0.0.1");
}

CAF_TEST(a trusted proxy names the client in X-Forwarded-For) {
  CAF_CHECK_EQUAL(client_address("127.0.0.1", "198.51.100.7", edge),
                  "198.51.100.7");
  CAF_CHECK_EQUAL(client_address("127.0.0.1", "", edge), "127.0.0.1");
}

CAF_TEST(the header is read from the right so a client cannot choose its address) {
  // The client sent "X-Forwarded-For: 1.2.3.4"; a proxy appended the peer.
  CAF_CHECK_EQUAL(client_address("127.0.0.1", "1.2.3.4, 198.51.100.7", edge),
                  "198.51.100.7");
  // Hops through trusted proxies are skipped.
  CAF_CHECK_EQUAL(client_address("127.0.0.1", "198.51.100.7, ::1", edge),
                  "198.51.100.7");
  CAF_CHECK_EQUAL(client_address("::1", " , 127.0.0.1", edge), "::1");
}
