// Wallets sharded over two billing nodes: viewers whose wallets sit on
// either node watch at once; one billing node is killed and restarted while
// they watch (only its viewers wait); then a wallet moves to the other node
// by changing the node lists and restarting, while its viewer watches, and
// the old owner's next write is refused by the database. Every session is
// charged exactly its minutes and the ledger reconciles.
#define CAF_SUITE sharding

#include <algorithm>
#include <csignal>

#include <caf/test/unit_test.hpp>

#include "actors/billing/shard_map.hpp"
#include "tests/cluster/cluster_support.hpp"
#include "tests/integration/inspector_support.hpp"
#include "tests/integration/session_support.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify;
using namespace streamify::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int64_t price = 10;
constexpr int per_node = 2;

struct viewer {
  std::string id;
  std::string token;
  std::string node; // the billing node the shard map names
};

// The players of `viewers` whose wallets live on `node`.
std::vector<size_t> on_node(const std::vector<viewer>& viewers,
                            const std::string& node) {
  std::vector<size_t> out;
  for (size_t i = 0; i < viewers.size(); ++i)
    if (viewers[i].node == node)
      out.push_back(i);
  return out;
}

bool charged(const std::vector<std::unique_ptr<player>>& players,
             const std::vector<size_t>& which, const std::vector<int64_t>& from,
             int64_t more, std::chrono::milliseconds limit) {
  return poll_until(limit, [&] {
    return std::all_of(which.begin(), which.end(), [&](size_t i) {
      return players[i]->minutes_paid() >= from[i] + more;
    });
  });
}

// Where actor-inspector finds the user's wallet actor.
json resident_on(test_cluster& cluster, const std::string& user) {
  auto r = run_inspector(cluster.admin_port("gateway"),
                         test_cluster::admin_secret,
                         {"--json", "wallet", user});
  auto j = r.json();
  return j.is_object() ? j["resident_on"] : json{};
}

} // namespace

CAF_TEST(wallets live on two billing nodes through a node loss and a move) {
  test_cluster cluster{cluster_layout{{"--billing.minute-seconds=2",
                                       "--streaming.heartbeat-interval=1",
                                       "--streaming.idle-timeout=20"},
                                      2,
                                      true}};
  auto& gw = cluster.gateway();
  const auto& names = cluster.billing_nodes();
  CAF_REQUIRE_EQUAL(names.size(), 2u);
  std::vector<std::string> addresses;
  for (const auto& n : names)
    addresses.push_back(cluster.address(n));
  billing::shard_map map{addresses};
  auto node_of = [&](const std::string& user) {
    auto address = map.name(map.owner(user));
    return names[address == addresses[0] ? 0 : 1];
  };

  auto creator = token_of(sign_up(gw, "creator"));
  auto video = upload(gw, creator, price, long_video());
  std::vector<viewer> viewers;
  std::map<std::string, int> count;
  for (int tries = 0; tries < 64 && viewers.size() < 2 * per_node; ++tries) {
    auto account = sign_up(gw);
    viewer v{account["user"]["id"].get<std::string>(), token_of(account), ""};
    v.node = node_of(v.id);
    if (count[v.node]++ < per_node)
      viewers.push_back(v);
  }
  CAF_REQUIRE_EQUAL(viewers.size(), 2u * per_node);
  std::vector<std::unique_ptr<player>> players;
  for (auto& v : viewers) {
    deposit(gw, v.token, 10'000);
    players.push_back(start_player(gw, v.token, video));
  }
  CAF_REQUIRE(all_charged(players, paid(players), 2, 30s));

  CAF_MESSAGE("each wallet lives on the node the shard map names");
  for (auto& v : viewers) {
    auto where = resident_on(cluster, v.id);
    CAF_CHECK_EQUAL(where, json::array({v.node}));
    CAF_MESSAGE("viewer " << v.id << ": wallet on " << where.dump());
  }

  CAF_MESSAGE("kill -9 one billing node while everyone watches");
  auto& lost = names[1];
  auto waiting = on_node(viewers, lost);
  auto unaffected = on_node(viewers, names[0]);
  cluster.node(lost).signal(SIGKILL);
  auto before = paid(players);
  for (auto& p : players)
    p->reset_statuses();
  // The other node's viewers go on paying; the lost node's freeze.
  CAF_CHECK(charged(players, unaffected, before, 2, 20s));
  CAF_CHECK(poll_until(15s, [&] {
    return std::all_of(waiting.begin(), waiting.end(), [&](size_t i) {
      return players[i]->statuses().count(503) > 0;
    });
  }));
  for (auto i : unaffected) {
    CAF_CHECK_EQUAL(players[i]->statuses().count(503), 0u);
    CAF_CHECK_EQUAL(gw.get("/api/wallet", viewers[i].token).status, 200);
  }
  auto frozen = paid(players);
  for (auto i : waiting)
    CAF_CHECK_LESS_OR_EQUAL(frozen[i], before[i] + 1);
  cluster.node(lost).restart();
  CAF_CHECK(all_charged(players, frozen, 2, 30s));

  CAF_MESSAGE("move a wallet from " << lost << " to " << names[0]
                                    << " while its viewer watches");
  auto moved = waiting.front();
  auto& stale = cluster.node(lost);
  // First the gateway and the new owner learn the one-node list; streaming
  // still charges through the old one, so the old owner still writes.
  auto one_node = "--cluster.peers=" + cluster.peers({lost});
  cluster.node(names[0]).restart({one_node});
  gw.restart({one_node});
  CAF_CHECK(poll_until(15s, [&] { return gw.get("/health/ready").status == 200; }));
  // A deposit through the new owner claims the account (owner_epoch + 1) ...
  deposit(gw, viewers[moved].token, 1'000);
  // ... and the old owner's next charge of it is refused by the database.
  CAF_CHECK(poll_until(15s, [&] {
    return stale.log().find("wallet " + viewers[moved].id + ": claimed by "
                            "another billing node")
           != std::string::npos;
  }));
  // Then streaming learns the list and the old owner leaves.
  cluster.node("streaming").restart({one_node});
  stale.stop();
  auto after_move = paid(players);
  CAF_CHECK(all_charged(players, after_move, 2, 30s));
  CAF_CHECK_EQUAL(resident_on(cluster, viewers[moved].id),
                  json::array({names[0]}));

  CAF_MESSAGE("every session is charged exactly its minutes");
  for (auto& p : players)
    p->stop();
  auto& dbs = cluster.databases();
  for (size_t i = 0; i < players.size(); ++i) {
    auto& p = players[i];
    auto ended = gw.post("/api/sessions/" + p->id() + "/end", json::object(),
                         p->token());
    CAF_REQUIRE_EQUAL(ended.status, 200);
    auto minutes = ended.body["minutes_paid"].get<int64_t>();
    CAF_CHECK_EQUAL(ended.body["charged_cents"], minutes * price);
    auto keys = dbs.query(
      "billing", "SELECT count(DISTINCT key) || '/' || count(*) FROM "
                 "ledger_transactions WHERE kind = 'charge' AND session_id = '"
                   + p->id() + "'");
    CAF_CHECK_EQUAL(keys, std::to_string(minutes) + "/" + std::to_string(minutes));
    int64_t deposited = 10'000 + (i == moved ? 1'000 : 0);
    CAF_CHECK_EQUAL(balance(gw, p->token()), deposited - minutes * price);
    CAF_MESSAGE("viewer " << viewers[i].id << " (" << viewers[i].node
                          << "): " << minutes << " minutes");
  }
  auto check = run_node_command({"--reconcile", "--access-log=off",
                                 "--billing.database-url=" + dbs.url("billing")});
  CAF_CHECK_EQUAL(check.rc, 0);
  CAF_CHECK(check.output.find("zero differences") != std::string::npos);
  if (check.rc != 0)
    CAF_MESSAGE(check.output);
}
