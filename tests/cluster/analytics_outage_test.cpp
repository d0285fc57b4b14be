// The analytics role on a node of its own is killed; while it is down
// viewers sign up and watch through the gateway, undisturbed. Once it is
// back, every number of the dashboards catches up exactly: the activity the
// other nodes reported meanwhile waited in their activity relays.
#define CAF_SUITE analytics_outage

#include <algorithm>
#include <chrono>
#include <csignal>

#include <caf/test/unit_test.hpp>

#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/analytics_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;

namespace {

bool analytics_failing(test_node& gateway) {
  auto failing = failing_roles(gateway);
  return std::find(failing.begin(), failing.end(), "analytics")
         != failing.end();
}

} // namespace

CAF_TEST(dashboards catch up exactly after the analytics node was down) {
  auto roles = cluster_roles();
  if (std::find(roles.begin(), roles.end(), "analytics") == roles.end()) {
    CAF_MESSAGE("skipped: this build has no analytics role");
    return;
  }
  test_cluster cluster{{"--billing.minute-seconds=2",
                        "--streaming.heartbeat-interval=1",
                        "--streaming.idle-timeout=3",
                        "--billing.platform-fee-bps=2000",
                        "--analytics.poll-interval-ms=200"}};
  auto& gw = cluster.gateway();
  CAF_REQUIRE_EQUAL(gw.get("/health/ready").status, 200);
  analytics_cast cast;
  add_creator(gw, cast);

  CAF_MESSAGE("kill -9 the analytics node");
  cluster.node("analytics").signal(SIGKILL);
  CAF_REQUIRE(poll_until(10s, [&] { return analytics_failing(gw); }));
  add_viewers(gw, cluster.databases(), cast);
  play_sessions(gw, cluster.databases(), cast);
  CAF_CHECK_EQUAL(gw.get("/api/analytics/creator", cast.creator).status, 503);

  CAF_MESSAGE("start the analytics node again");
  auto restarted = std::chrono::steady_clock::now();
  cluster.node("analytics").restart();
  CAF_CHECK(poll_until(20s, [&] { return !analytics_failing(gw); }));
  check_dashboards(gw, cluster.databases(), cast, 60s);
  CAF_MESSAGE("caught up "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - restarted)
                   .count()
              << " ms after the analytics node was started again");
}
