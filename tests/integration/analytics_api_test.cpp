// Analytics over HTTP with a real node and PostgreSQL and a 2 s minute:
// viewers play sessions, and every number of the dashboards is checked
// against what the streaming database says was played and what the ledger
// holds, also after an analytics outage.
#define CAF_SUITE analytics_api

#include <chrono>

#include <caf/test/unit_test.hpp>

#include "tests/integration/analytics_support.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

const std::vector<std::string> short_minutes{
  "--billing.minute-seconds=2", "--streaming.heartbeat-interval=1",
  "--streaming.idle-timeout=3", "--billing.platform-fee-bps=2000",
  "--analytics.poll-interval-ms=200"};

std::vector<std::string> node_args(const std::string& roles = "all") {
  auto args = short_minutes;
  args.push_back("--roles=" + roles);
  return args;
}

} // namespace

CAF_TEST(dashboards count what was played and match the ledger) {
  test_databases dbs;
  test_node node{dbs, node_args()};
  analytics_cast cast;
  add_creator(node, cast);
  add_viewers(node, dbs, cast);
  play_sessions(node, dbs, cast);
  check_dashboards(node, dbs, cast, std::chrono::seconds(20));

  // Who may see what, and bad ranges.
  const auto& creator = cast.creator;
  CAF_CHECK_EQUAL(node.get("/api/analytics/creator", "").status, 401);
  CAF_CHECK_EQUAL(node.get("/api/analytics/creator", cast.ann).status, 403);
  CAF_CHECK_EQUAL(node.get("/api/analytics/platform", creator).status, 403);
  CAF_CHECK_EQUAL(
    node.get("/api/analytics/videos/" + cast.paid, cast.ann).status, 403);
  CAF_CHECK_EQUAL(node.get("/api/analytics/videos/nope", creator).status, 404);
  for (auto bad : {"?from=2026-13-01", "?to=yesterday", "?from=2026-02-30",
                   "?from=2026-05-02&to=2026-05-01",
                   "?from=2024-01-01&to=2026-01-01"}) {
    auto r = node.get(std::string{"/api/analytics/creator"} + bad, creator);
    CAF_CHECK_EQUAL(r.status, 400);
    CAF_CHECK_EQUAL(r.body["error"], "invalid_range");
  }
  auto ready = node.get("/health/ready");
  CAF_CHECK_EQUAL(ready.status, 200);
  CAF_CHECK_EQUAL(ready.body["roles"]["analytics"]["ready"], true);
}

CAF_TEST(numbers catch up exactly after an analytics outage) {
  test_databases dbs;
  std::string creator, creator_id, ann, paid;
  {
    test_node without{dbs, node_args("gateway,auth,catalog,billing,streaming")};
    auto account = sign_up(without, "creator");
    creator = token_of(account);
    creator_id = account["user"]["id"].get<std::string>();
    ann = token_of(sign_up(without));
    paid = upload(without, creator, 10);
    deposit(without, ann, 1'000);
    // Watching and paying go on without analytics.
    play(without, ann, paid, 3);
    play(without, ann, paid, 2);
    CAF_CHECK_EQUAL(without.get("/api/analytics/creator", creator).status, 503);
    CAF_CHECK_EQUAL(without.stop(), 0);
  }
  auto earned = [&](test_node& node) {
    return node.get("/api/wallet", creator).body["earned_cents"].get<int64_t>();
  };
  auto gross = [&] {
    return number(dbs, "streaming", "SELECT sum(charged_cents) FROM sessions");
  };
  json caught_up;
  {
    test_node with{dbs, node_args()};
    auto ledger = earned(with);
    CAF_CHECK_GREATER(ledger, 0);
    auto dash = settled(with, "/api/analytics/creator", creator,
                        [&](const json& b) {
                          return b["totals"]["revenue_cents"] == ledger;
                        });
    CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], ledger);
    CAF_CHECK_EQUAL(dash["totals"]["views"], 2); // paid minute 0 twice
    CAF_CHECK_EQUAL(dash["totals"]["unique_viewers"], 1);
    // Watching while analytics runs counts minutes too.
    auto id = play(with, ann, paid, 4);
    all_stored(dbs);
    ledger = earned(with);
    auto billed = number(dbs, "streaming",
                         "SELECT billed_ms FROM sessions WHERE id = "
                           + in_list(id));
    dash = settled(with, "/api/analytics/creator", creator,
                   [&](const json& b) {
                     return b["totals"]["revenue_cents"] == ledger
                            && b["totals"]["watched_ms"] == billed;
                   });
    CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], ledger);
    CAF_CHECK_EQUAL(dash["totals"]["views"], 3);
    CAF_CHECK_EQUAL(dash["totals"]["watched_ms"], billed);
    CAF_CHECK_EQUAL(dash["per_video"][0]["title"], "Session test");
    caught_up = dash;
    CAF_CHECK_EQUAL(with.stop(), 0);
  }
  // A restart reads the outbox on from its stored cursor: nothing twice.
  test_node again{dbs, node_args()};
  auto admin = token_of(make_admin(again, dbs));
  auto platform = settled(again, "/api/analytics/platform", admin,
                          [&](const json& b) {
                            return b["users"]["admin"] == 1;
                          });
  CAF_CHECK_EQUAL(platform["deposits_cents"], 1'000);
  CAF_CHECK_EQUAL(platform["revenue_cents"], gross());
  sleep_ms(1'000); // several poll intervals
  auto dash = again.get("/api/analytics/creator", creator);
  CAF_CHECK_EQUAL(dash.body["totals"], caught_up["totals"]);
  CAF_CHECK_EQUAL(number(dbs, "analytics", "SELECT count(*) FROM money"),
                  number(dbs, "billing", "SELECT count(*) FROM outbox"));
}
