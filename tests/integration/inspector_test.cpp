// actor-inspector against a real node (sessions and wallets set up over
// HTTP, PostgreSQL of its own) and a two-node cluster: its tables and JSON,
// its errors and exit codes, and the two changing commands.
#define CAF_SUITE inspector

#include <chrono>
#include <csignal>
#include <functional>

#include <caf/test/unit_test.hpp>

#include "tests/integration/inspector_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

constexpr const char* secret = "inspector-test-secret";

struct admin_node {
  test_databases dbs;
  int admin_port = free_port();
  test_node node{dbs,
                 {"--billing.minute-seconds=2", "--streaming.heartbeat-interval=1",
                  "--streaming.idle-timeout=60",
                  "--admin.port=" + std::to_string(admin_port),
                  std::string{"--admin.secret="} + secret,
                  "--admin.name=solo"}};

  inspector_run run(std::vector<std::string> args) {
    return run_inspector(admin_port, secret, args);
  }
};

admin_node& solo() {
  static admin_node n;
  return n;
}

using clock_type = std::chrono::steady_clock;

// Heartbeats with the position following the wall clock since `since` until
// `done` holds for the answer (or 15 s pass); returns the last answer.
json play_until(test_node& node, const watching& w, clock_type::time_point since,
                const std::function<bool(const json&)>& done) {
  auto deadline = clock_type::now() + std::chrono::seconds(15);
  json last;
  while (clock_type::now() < deadline) {
    auto at = std::chrono::duration<double>(clock_type::now() - since).count();
    auto r = beat(node, w.viewer, w.session, at, true);
    CAF_REQUIRE_EQUAL(r.status, 200);
    last = r.body;
    if (done(last))
      return last;
    sleep_ms(300);
  }
  CAF_FAIL("the session never reached the expected state: " << last.dump());
  return last;
}

json session_in(const json& list, const std::string& id) {
  for (const auto& s : list)
    if (s["id"] == id)
      return s;
  return {};
}

// The node whose name contains `part` (null when none does).
json node_named(const json& nodes, const std::string& part) {
  for (const auto& n : nodes)
    if (n["name"].get<std::string>().find(part) != std::string::npos)
      return n;
  return {};
}

} // namespace

CAF_TEST(sessions wallets and changing commands of one node) {
  auto& n = solo();
  if (!money_and_videos(n.node))
    return;
  auto creator = token_of(sign_up(n.node, "creator"));
  auto video = upload(n.node, creator, 10);
  auto started = clock_type::now();
  auto rich = watch(n.node, video, 1000);  // stays active
  auto poor = watch(n.node, video, 10);    // minute 0 only
  auto silent = watch(n.node, video, 1000); // never heartbeats
  auto gone = watch(n.node, video, 1000);  // ended over HTTP
  play_until(n.node, rich, started,
             [](const json& s) { return s["minutes_paid"] >= 2; });
  play_until(n.node, poor, started, [](const json& s) {
    return s["state"] == "payment_required";
  });
  CAF_REQUIRE_EQUAL(n.node.post("/api/sessions/" + gone.session + "/end",
                                json::object(), gone.viewer)
                      .status,
                    200);
  // The ended session's actor stops a moment after its last save.
  auto listed_until = clock_type::now() + std::chrono::seconds(5);
  while (!session_in(n.run({"--json", "sessions"}).json(), gone.session)
            .is_null()
         && clock_type::now() < listed_until)
    sleep_ms(100);

  auto listed = n.run({"--json", "sessions"});
  CAF_REQUIRE_EQUAL(listed.rc, 0);
  auto sessions = listed.json();
  CAF_CHECK_EQUAL(sessions.size(), 3u);
  // Named copies: CAF's checks keep references to their arguments.
  auto rich_row = session_in(sessions, rich.session);
  auto poor_row = session_in(sessions, poor.session);
  auto silent_row = session_in(sessions, silent.session);
  CAF_CHECK_EQUAL(rich_row["state"], "active");
  CAF_CHECK(rich_row["minutes_paid"] >= 2);
  CAF_CHECK(rich_row["heartbeat_age_ms"] < 5000);
  CAF_CHECK_EQUAL(poor_row["state"], "payment_required");
  CAF_CHECK_EQUAL(poor_row["minutes_paid"], 1);
  CAF_CHECK_EQUAL(silent_row["state"], "active");
  CAF_CHECK_EQUAL(silent_row["viewer_id"], silent.viewer_id);
  CAF_CHECK_EQUAL(silent_row["node"], "solo");

  auto table = n.run({"sessions"});
  CAF_MESSAGE("sessions:\n" << table.out);
  CAF_CHECK_EQUAL(table.rc, 0);
  CAF_CHECK(line_with(table.out, "LAST_HEARTBEAT").find("STATE")
            != std::string::npos);
  CAF_CHECK(line_with(table.out, poor.session).find("payment_required")
            != std::string::npos);
  CAF_CHECK(line_with(table.out, rich.session).find("active")
            != std::string::npos);
  CAF_CHECK(line_with(table.out, gone.session).empty());
  auto mine = n.run({"--json", "sessions", "--user", poor.viewer_id}).json();
  CAF_REQUIRE_EQUAL(mine.size(), 1u);
  CAF_CHECK_EQUAL(mine[0]["id"], poor.session);
  CAF_CHECK_EQUAL(n.run({"--json", "sessions", "--video", "nope"}).json().size(),
                  0u);

  auto actors = n.run({"--json", "actors"}).json();
  CAF_REQUIRE_EQUAL(actors.size(), 1u);
  CAF_CHECK_EQUAL(actors[0]["counts"]["session"], 3);
  CAF_CHECK(actors[0]["counts"]["wallet"] >= 3);
  CAF_CHECK_EQUAL(actors[0]["counts"]["billing"], 1);
  CAF_CHECK_EQUAL(actors[0]["counts"]["streaming"], 1);
  CAF_CHECK(line_with(n.run({"actors"}).out, "session").find(" 3")
            != std::string::npos);
  auto top = n.run({"--json", "top", "--by", "messages", "--limit", "3"}).json();
  CAF_REQUIRE_EQUAL(top.size(), 3u);
  CAF_CHECK(top[0]["messages"] >= top[1]["messages"]);
  CAF_CHECK(top[0]["age_ms"] >= 0);
  CAF_CHECK_EQUAL(n.run({"top", "--by", "mailbox"}).rc, 0);

  auto wallet = n.run({"--json", "wallet", rich.viewer_id}).json();
  CAF_CHECK_EQUAL(wallet["resident"], true);
  CAF_CHECK_EQUAL(wallet["node"], "solo");
  CAF_CHECK_EQUAL(wallet["balance_cents"], balance(n.node, rich.viewer));
  CAF_CHECK(wallet["entries"].size() >= 3u); // deposit and charges
  CAF_CHECK(line_with(n.run({"wallet", rich.viewer_id}).out, rich.viewer_id)
              .find("yes")
            != std::string::npos);

  // The changing commands refuse without --yes and change nothing.
  auto refused = n.run({"passivate-wallet", rich.viewer_id});
  CAF_CHECK_NOT_EQUAL(refused.rc, 0);
  CAF_CHECK(refused.err.find("--yes") != std::string::npos);
  CAF_CHECK_NOT_EQUAL(n.run({"end-session", silent.session}).rc, 0);

  auto passivated = n.run({"passivate-wallet", rich.viewer_id, "--yes"});
  CAF_CHECK_EQUAL(passivated.rc, 0);
  auto resting = n.run({"--json", "wallet", rich.viewer_id}).json();
  CAF_CHECK_EQUAL(resting["resident"], false);
  CAF_CHECK_NOT_EQUAL(n.run({"passivate-wallet", rich.viewer_id, "--yes"}).rc,
                      0);
  // The next minute is charged by a fresh wallet.
  auto before = balance(n.node, rich.viewer);
  auto paid = wallet["entries"].size();
  auto after = play_until(n.node, rich, started, [&](const json& s) {
    return s["balance_cents"] < before;
  });
  CAF_CHECK_EQUAL(after["state"], "active");
  auto again = n.run({"--json", "wallet", rich.viewer_id}).json();
  CAF_CHECK_EQUAL(again["resident"], true);
  CAF_CHECK_EQUAL(again["balance_cents"], balance(n.node, rich.viewer));
  CAF_CHECK(again["entries"].size() > paid);

  CAF_MESSAGE("wallet:\n" << n.run({"wallet", rich.viewer_id}).out);
  CAF_MESSAGE("top:\n" << n.run({"top", "--limit", "4"}).out);
  auto ended = n.run({"--json", "end-session", silent.session, "--yes"});
  CAF_CHECK_EQUAL(ended.rc, 0);
  auto ended_view = ended.json();
  CAF_CHECK_EQUAL(ended_view["state"], "ended");
  auto next = beat(n.node, silent.viewer, silent.session, 1, true);
  CAF_CHECK_EQUAL(next.status, 200);
  CAF_CHECK_EQUAL(next.body["state"], "ended");
  CAF_CHECK_NOT_EQUAL(n.run({"end-session", "nope", "--yes"}).rc, 0);
}

CAF_TEST(nodes and errors of one node) {
  auto& n = solo();
  auto nodes = n.run({"--json", "nodes"});
  CAF_REQUIRE_EQUAL(nodes.rc, 0);
  auto listed = nodes.json();
  CAF_REQUIRE_EQUAL(listed.size(), 1u);
  CAF_CHECK_EQUAL(listed[0]["name"], "solo");
  CAF_CHECK_EQUAL(listed[0]["reachable"], true);
  CAF_CHECK(!listed[0]["build"].get<std::string>().empty());
  CAF_CHECK(line_with(n.run({"nodes"}).out, "solo").find("reachable")
            != std::string::npos);

  auto wrong = run_inspector(n.admin_port, "not-the-secret", {"nodes"});
  CAF_CHECK_NOT_EQUAL(wrong.rc, 0);
  CAF_CHECK(wrong.err.find("admin secret is wrong") != std::string::npos);
  CAF_CHECK(wrong.out.empty());
  auto nobody = run_inspector(free_port(), secret, {"nodes"});
  CAF_CHECK_NOT_EQUAL(nobody.rc, 0);
  CAF_CHECK(nobody.err.find("cannot reach") != std::string::npos);
  CAF_CHECK_NOT_EQUAL(n.run({"no-such-command"}).rc, 0);
}

CAF_TEST(reconcile fails on a balance corrupted on purpose) {
  auto& n = solo();
  if (!money_and_videos(n.node))
    return;
  deposit(n.node, token_of(sign_up(n.node)), 500);
  auto clean = n.run({"reconcile"});
  CAF_CHECK_EQUAL(clean.rc, 0);
  CAF_CHECK(clean.out.find("zero differences") != std::string::npos);
  // This test's own billing database, not shared with any other test.
  n.dbs.query("billing",
              "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id "
              "= (SELECT id FROM accounts WHERE kind = 'user' LIMIT 1) "
              "RETURNING id");
  auto off = n.run({"--json", "reconcile"});
  CAF_CHECK_EQUAL(off.rc, 1);
  auto report = off.json();
  CAF_CHECK_EQUAL(report["ok"], false);
  CAF_CHECK_EQUAL(report["balance_mismatches"], 1);
  CAF_CHECK(n.run({"reconcile"}).out.find("1 differences") != std::string::npos);
}

CAF_TEST(a killed node shows unreachable) {
  test_databases dbs;
  int billing_port = free_port();
  int billing_admin = free_port();
  int main_admin = free_port();
  auto admin = [&](int port, const char* name) {
    return std::vector<std::string>{"--admin.port=" + std::to_string(port),
                                    std::string{"--admin.secret="} + secret,
                                    std::string{"--admin.name="} + name,
                                    "--access-log=off"};
  };
  auto billing_args = admin(billing_admin, "ledger-node");
  billing_args.push_back("--roles=billing");
  test_node billing{dbs, node_launch{billing_args, billing_port, false}};
  // A node whose admin endpoint is off: up, but not inspectable.
  int catalog_port = free_port();
  test_node catalog{dbs, node_launch{{"--roles=catalog", "--access-log=off"},
                                     catalog_port, false}};
  auto main_args = admin(main_admin, "front-node");
  main_args.push_back("--roles=gateway,auth,streaming");
  main_args.push_back("--cluster.peers=billing@127.0.0.1:"
                      + std::to_string(billing_port) + ",catalog@127.0.0.1:"
                      + std::to_string(catalog_port));
  test_node front{dbs, node_launch{main_args, 0, true}};

  auto both = run_inspector(main_admin, secret, {"--json", "nodes"});
  CAF_CHECK_EQUAL(both.rc, 1);
  auto two = both.json();
  CAF_REQUIRE_EQUAL(two.size(), 3u);
  CAF_CHECK_EQUAL(two[0]["name"], "front-node");
  auto ledger = node_named(two, "ledger-node");
  CAF_CHECK_EQUAL(ledger["reachable"], true);
  CAF_CHECK_EQUAL(ledger["roles"], json::array({"billing"}));
  auto dark = node_named(two, "no admin endpoint");
  CAF_CHECK_EQUAL(dark["reachable"], false);
  CAF_CHECK_EQUAL(dark["roles"], json::array({"catalog"}));
  CAF_CHECK_EQUAL(run_inspector(main_admin, secret, {"reconcile"}).rc, 0);

  CAF_MESSAGE("nodes:\n" << run_inspector(main_admin, secret, {"nodes"}).out);
  CAF_MESSAGE("actors:\n"
              << run_inspector(main_admin, secret, {"actors"}).out);
  billing.signal(SIGKILL);
  auto one = run_inspector(main_admin, secret, {"--json", "nodes"});
  CAF_CHECK_NOT_EQUAL(one.rc, 0);
  auto after_kill = one.json();
  CAF_REQUIRE_EQUAL(after_kill.size(), 3u);
  CAF_CHECK_EQUAL(after_kill[0]["reachable"], true);
  json lost;
  for (const auto& n : after_kill)
    if (n["cluster_endpoint"] == "127.0.0.1:" + std::to_string(billing_port))
      lost = n;
  CAF_CHECK_EQUAL(lost["reachable"], false);
  CAF_CHECK_EQUAL(lost["roles"], json::array({"billing"}));
  CAF_CHECK(one.err.find("unreachable") != std::string::npos);
  auto table = run_inspector(main_admin, secret, {"nodes"});
  CAF_MESSAGE("nodes:\n" << table.out);
  CAF_CHECK(
    line_with(table.out, "127.0.0.1:" + std::to_string(billing_port) + " ")
      .find("UNREACHABLE")
            != std::string::npos);
  CAF_CHECK_NOT_EQUAL(run_inspector(main_admin, secret, {"reconcile"}).rc, 0);
}
