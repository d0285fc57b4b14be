#define CAF_SUITE cluster_topology

#include "nodes/cluster_topology.hpp"

#include <stdexcept>

#include <caf/test/unit_test.hpp>

using namespace streamify::node;

CAF_TEST(peers are role at host and port and local roles win) {
  auto peers = parse_peers(" billing@10.0.0.2:7100, catalog@db-host:7101,"
                           "streaming@127.0.0.1:7102,",
                           {"gateway", "streaming"});
  CAF_REQUIRE_EQUAL(peers.size(), 2u);
  CAF_CHECK_EQUAL(peers[0].role, "billing");
  CAF_CHECK_EQUAL(peers[0].host, "10.0.0.2");
  CAF_CHECK_EQUAL(peers[0].port, 7100);
  CAF_CHECK_EQUAL(peers[1].host, "db-host");
  CAF_CHECK(parse_peers("", {"gateway"}).empty());
  auto roles = configured_roles({"gateway", "streaming"}, peers);
  CAF_CHECK_EQUAL(roles, (std::vector<std::string>{"gateway", "catalog",
                                                   "billing", "streaming"}));
}

CAF_TEST(bad peers name the entry) {
  for (auto bad : {"billing", "billing@host", "billing@:7100",
                   "billing@host:0", "billing@host:70000", "billing@host:7x",
                   "nope@host:7100", "gateway@host:7100",
                   "catalog@a:1,catalog@b:2", "billing@a:1,billing@a:1"})
  {
    bool refused = false;
    try {
      parse_peers(bad, {});
    } catch (const std::invalid_argument& e) {
      refused = std::string{e.what()}.find("cluster.peers") == 0;
    }
    CAF_CHECK(refused);
  }
}

CAF_TEST(billing may run on several nodes and each knows the others) {
  auto list = "billing@10.0.0.2:7100,billing@10.0.0.3:7100,auth@a:1";
  // A node without billing reaches both billing nodes.
  auto gw = parse_peers(list, {"gateway"});
  CAF_CHECK_EQUAL(gw.size(), 3u);
  CAF_CHECK_EQUAL(billing_nodes({"gateway"}, gw, ""),
                  (std::vector<std::string>{"10.0.0.2:7100", "10.0.0.3:7100"}));
  // A billing node keeps the other one and leaves itself out.
  auto b2 = parse_peers(list, {"billing"}, "10.0.0.3:7100");
  CAF_REQUIRE_EQUAL(b2.size(), 2u);
  CAF_CHECK_EQUAL(address_of(b2[0]), "10.0.0.2:7100");
  CAF_CHECK_EQUAL(billing_nodes({"billing"}, b2, "10.0.0.3:7100"),
                  (std::vector<std::string>{"10.0.0.2:7100", "10.0.0.3:7100"}));
  // One billing node (or one that publishes nothing) shards nothing.
  auto alone = parse_peers("billing@10.0.0.2:7100", {"billing"}, "10.0.0.2:7100");
  CAF_CHECK(alone.empty());
  CAF_CHECK(billing_nodes({"billing"}, alone, "10.0.0.2:7100").size() < 2);
  CAF_CHECK(parse_peers(list, {"billing"}, "").size() == 1u);
}
