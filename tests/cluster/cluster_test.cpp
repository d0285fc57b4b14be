// Streamify as separate processes: one node per role plus a gateway node,
// connected by CAF's middleman. Sessions play through the gateway while the
// billing node is killed and restarted, the catalog node is frozen and thawed
// and the streaming node is killed and restarted; afterwards every session is
// charged exactly its minutes and the ledger reconciles.
#define CAF_SUITE cluster

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include <caf/test/unit_test.hpp>

#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int64_t price = 10;
constexpr int sessions = 3;

bool names(const std::vector<std::string>& failing, const std::string& role) {
  return std::find(failing.begin(), failing.end(), role) != failing.end();
}


} // namespace

CAF_TEST(sessions survive node failures and are charged exactly once) {
  test_cluster cluster{{"--billing.minute-seconds=2",
                        "--streaming.heartbeat-interval=1",
                        "--streaming.idle-timeout=20"}};
  auto& gw = cluster.gateway();
  auto ready = gw.get("/health/ready");
  CAF_REQUIRE_EQUAL(ready.status, 200);
  for (const auto& role : cluster_roles())
    CAF_CHECK(ready.body["roles"].contains(role));

  auto creator = token_of(sign_up(gw, "creator"));
  auto video = upload(gw, creator, price, long_video());
  auto players = start_viewers(gw, video, sessions);
  CAF_REQUIRE(all_charged(players, std::vector<int64_t>(sessions, 0), 2, 20s));

  CAF_MESSAGE("kill -9 the billing node while charges are pending");
  auto before = paid(players);
  // Frozen first, so each session's next charge is sent and left unanswered
  // (its heartbeat waits on it) when the node dies: the answer never comes
  // and the commit may or may not have happened. A session reaching its
  // minute only after the middleman dropped the frozen node fails at once.
  for (auto& p : players)
    p->reset_statuses();
  cluster.node("billing").signal(SIGSTOP);
  CAF_CHECK(poll_until(10s, [&] {
    return std::all_of(players.begin(), players.end(), [](auto& p) {
      return p->waiting() > 1000ms || p->statuses().count(503) > 0;
    });
  }));
  cluster.node("billing").signal(SIGKILL);
  CAF_CHECK(poll_until(5s, [&] { return names(failing_roles(gw), "billing"); }));
  CAF_CHECK(poll_until(5s, [&] {
    auto wallet = gw.get("/api/wallet", players[0]->token());
    return wallet.status == 503 && wallet.body["error"] == "role_unavailable";
  }));
  CAF_CHECK_EQUAL(gw.get("/api/videos/" + video, creator).status, 200);
  // Each session reaches a minute it cannot pay and freezes there.
  CAF_CHECK(poll_until(15s, [&] {
    return std::all_of(players.begin(), players.end(), [](auto& p) {
      return p->statuses().count(503) > 0;
    });
  }));
  auto frozen = paid(players);
  for (int i = 0; i < sessions; ++i)
    CAF_CHECK_LESS_OR_EQUAL(frozen[i], before[i] + 1);
  cluster.node("billing").restart();
  CAF_CHECK(poll_until(10s, [&] { return gw.get("/health/ready").status == 200; }));
  CAF_CHECK(all_charged(players, frozen, 2, 20s));

  CAF_MESSAGE("kill -STOP a node whose loss is isolated");
  auto isolated = names(cluster_roles(), "analytics") ? "analytics" : "catalog";
  auto stopped_at = std::chrono::steady_clock::now();
  cluster.node(isolated).signal(SIGSTOP);
  // The middleman drops the frozen node after its connection timeout; from
  // then on the gateway answers its routes at once.
  CAF_CHECK(poll_until(15s, [&] {
    auto r = gw.get("/health/ready");
    return r.status == 503 && names(failing_roles(gw), isolated)
           && r.body["roles"][isolated]["detail"] == "not connected";
  }));
  auto detected = std::chrono::steady_clock::now() - stopped_at;
  CAF_MESSAGE("the gateway dropped the frozen " << isolated << " node after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(detected)
                   .count()
              << " ms");
  // A route of the frozen role answers 503 at once.
  auto isolated_route = std::string{isolated} == "analytics"
                          ? "/api/analytics/creator"
                          : "/api/videos/" + video;
  auto frozen_answer = gw.get(isolated_route, creator);
  CAF_CHECK_EQUAL(frozen_answer.status, 503);
  CAF_CHECK_EQUAL(frozen_answer.body["error"], "role_unavailable");
  for (auto& p : players)
    p->reset_statuses();
  CAF_CHECK_EQUAL(gw.get("/api/wallet", players[0]->token()).status, 200);
  auto thawing = paid(players);
  CAF_CHECK(all_charged(players, thawing, 1, 10s));
  for (auto& p : players)
    CAF_CHECK_EQUAL(p->statuses().count(503), 0u);
  cluster.node(isolated).signal(SIGCONT);
  CAF_CHECK(poll_until(15s, [&] { return gw.get("/health/ready").status == 200; }));
  CAF_CHECK_EQUAL(gw.get(isolated_route, creator).status, 200);

  CAF_MESSAGE("kill -9 the streaming node and restart it");
  cluster.node("streaming").signal(SIGKILL);
  CAF_CHECK(poll_until(5s, [&] { return names(failing_roles(gw), "streaming"); }));
  auto lost = gw.get("/api/sessions/" + players[0]->id(), players[0]->token());
  CAF_CHECK_EQUAL(lost.status, 503);
  CAF_CHECK_EQUAL(gw.get("/api/wallet", players[0]->token()).status, 200);
  auto resumed_from = paid(players);
  cluster.node("streaming").restart();
  CAF_CHECK(poll_until(10s, [&] { return gw.get("/health/ready").status == 200; }));
  // Down for less than the idle timeout: the sessions resume and go on paying.
  CAF_CHECK(all_charged(players, resumed_from, 2, 20s));

  CAF_MESSAGE("end the sessions; each is charged exactly its minutes");
  for (auto& p : players)
    p->stop();
  auto& dbs = cluster.databases();
  for (auto& p : players) {
    auto ended = gw.post("/api/sessions/" + p->id() + "/end", json::object(),
                         p->token());
    CAF_REQUIRE_EQUAL(ended.status, 200);
    CAF_CHECK_EQUAL(ended.body["state"], "ended");
    auto minutes = ended.body["minutes_paid"].get<int64_t>();
    CAF_CHECK_EQUAL(ended.body["charged_cents"], minutes * price);
    auto in_ledger = dbs.query(
      "billing", "SELECT count(*) FROM ledger_transactions WHERE kind = "
                 "'charge' AND session_id = '" + p->id() + "'");
    CAF_CHECK_EQUAL(in_ledger, std::to_string(minutes));
    auto spent = dbs.query(
      "billing", "SELECT count(DISTINCT key) FROM ledger_transactions WHERE "
                 "kind = 'charge' AND session_id = '" + p->id() + "'");
    CAF_CHECK_EQUAL(spent, std::to_string(minutes));
    CAF_CHECK_EQUAL(balance(gw, p->token()), 10'000 - minutes * price);
    CAF_MESSAGE("session " << p->id() << ": " << minutes << " minutes");
  }
  auto check = run_node_command({"--reconcile", "--access-log=off",
                                 "--billing.database-url=" + dbs.url("billing")});
  CAF_CHECK_EQUAL(check.rc, 0);
  CAF_CHECK(check.output.find("zero differences") != std::string::npos);
  if (check.rc != 0)
    CAF_MESSAGE(check.output);
}
