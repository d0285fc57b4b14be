#define CAF_SUITE billing_shards

#include "actors/billing/billing_shard_router.hpp"

#include <set>

#include "actors/billing/billing_actor.hpp"
#include "tests/unit/billing_fixture.hpp"

using namespace streamify;
using namespace streamify::billing;

namespace {

using billing_test::billing_fixture;

const shard_map two_nodes{{"b:7100", "a:7100"}};

// A user whose wallet the two-node map puts on shard `index`.
std::string user_on(size_t index, int skip = 0) {
  for (int i = 0;; ++i) {
    auto id = "user" + std::to_string(i);
    if (two_nodes.owner(id) == index && skip-- == 0)
      return id;
  }
}

// Two billing nodes on one ledger: `a` knows the map and forwards what
// belongs to `b`; `b` serves whatever reaches it.
struct fixture : billing_fixture {
  billing_router_actor a;
  billing_router_actor b;

  fixture() {
    b = spawn_node({});
    billing_shards shards;
    shards.map = two_nodes;
    shards.self = 0; // "a:7100"
    shards.nodes = {billing_router_actor{}, b};
    a = spawn_node(shards);
    sched.run();
  }

  billing_router_actor spawn_node(billing_shards shards) {
    billing_topology t;
    t.detached = false;
    t.settings.wallet.write_timeout = std::chrono::hours(1);
    t.settings.read_timeout = std::chrono::hours(1);
    t.settings.wallet.reclaim_when_moved = shards.nodes.empty();
    t.settings.shards = std::move(shards);
    return spawn_billing(
      sys, t, [this] { return store; }, std::make_shared<sandbox_provider>(),
      clk, tx_ids());
  }

  template <class Handle>
  caf::expected<deposit_result> deposit(const Handle& to, const std::string& user,
                                        int64_t amount, const std::string& key) {
    return call_to<deposit_result>(to, deposit_atom::value,
                                deposit_request{user, key, "", amount});
  }

  template <class Handle>
  caf::expected<charge_result> charge(const Handle& to, const std::string& user,
                                      int64_t minute) {
    return call_to<charge_result>(
      to, charge_atom::value,
      charge_request{user, "creator", "s-" + user, "video", minute, 100, 2000});
  }
};

std::string machine_code(const caf::error& err) {
  const auto& ctx = err.context();
  return ctx.match_element<std::string>(0) ? ctx.get_as<std::string>(0) : "";
}

} // namespace

CAF_TEST(the shard map is stable and even and moves little) {
  // The same owners in every build: these were computed once.
  CAF_CHECK_EQUAL(two_nodes.name(0), "a:7100");
  CAF_CHECK_EQUAL(user_on(0), "user0");
  CAF_CHECK_EQUAL(user_on(1), "user7");
  CAF_CHECK_EQUAL(two_nodes.owner("user1"), 0u);
  shard_map reordered{{"a:7100", "b:7100", "a:7100"}};
  CAF_CHECK_EQUAL(reordered.size(), 2u);
  shard_map three{{"a:7100", "b:7100", "c:7100"}};
  size_t on_a = 0, moved = 0, moved_elsewhere = 0;
  constexpr int users = 10000;
  for (int i = 0; i < users; ++i) {
    auto id = "u" + std::to_string(i);
    auto owner = two_nodes.owner(id);
    CAF_REQUIRE_EQUAL(owner, reordered.owner(id));
    on_a += owner == 0;
    auto now = three.owner(id);
    if (three.name(now) != two_nodes.name(owner)) {
      ++moved;
      moved_elsewhere += three.name(now) != "c:7100";
    }
  }
  CAF_MESSAGE(on_a << " of " << users << " wallets on a; a third node takes "
                   << moved);
  CAF_CHECK(on_a > users * 45 / 100 && on_a < users * 55 / 100);
  CAF_CHECK(moved > users * 28 / 100 && moved < users * 38 / 100);
  CAF_CHECK_EQUAL(moved_elsewhere, 0u); // only to the new node
}

CAF_TEST_FIXTURE_SCOPE(billing_shards_tests, fixture)

CAF_TEST(a money write reaching the wrong node goes to the node of the wallet) {
  auto theirs = user_on(1);
  auto mine = user_on(0);
  CAF_REQUIRE(deposit(a, theirs, 500, "d1"));
  CAF_REQUIRE(deposit(a, mine, 500, "d1"));
  auto r = charge(a, theirs, 0);
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 400);
  CAF_CHECK_EQUAL(node(a).state.wallets.count(theirs), 0u);
  CAF_CHECK_EQUAL(node(b).state.wallets.count(theirs), 1u);
  CAF_CHECK_EQUAL(node(a).state.wallets.count(mine), 1u);
  CAF_CHECK_EQUAL(node(b).state.wallets.count(mine), 0u);
  CAF_CHECK_EQUAL(node(a).state.forwarded, 2);
  // A replay through the other node is the same charge, not a second one.
  auto again = charge(b, theirs, 0);
  CAF_REQUIRE(again);
  CAF_CHECK(again->replayed);
  // Reads come from the shared ledger wherever they are asked.
  auto w = call_to<wallet_summary>(a, wallet_atom::value, theirs);
  CAF_REQUIRE(w);
  CAF_CHECK_EQUAL(w->balance_cents, 400);
  CAF_CHECK(store->reconcile().ok());
}

CAF_TEST(a write of a stale owner is refused and never claims the wallet back) {
  auto mine = user_on(0);
  CAF_REQUIRE(deposit(a, mine, 500, "d1"));
  CAF_REQUIRE(charge(a, mine, 0));
  // Another billing node takes the wallet over (its map changed).
  auto taken = store->claim(mine);
  auto r = charge(a, mine, 1);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(machine_code(r.error()), "wallet_moved");
  CAF_CHECK_EQUAL(store->claim(mine).owner_epoch, taken.owner_epoch + 1);
  auto w = call_to<wallet_summary>(a, wallet_atom::value, mine);
  CAF_REQUIRE(w);
  CAF_CHECK_EQUAL(w->balance_cents, 400); // nothing written
  // A request that still reaches this node claims afresh and is fenced the
  // same way: the retry of the same key is charged once.
  auto retry = charge(a, mine, 1);
  CAF_REQUIRE(retry);
  CAF_CHECK_EQUAL(retry->balance_cents, 300);
  CAF_CHECK(store->reconcile().ok());
}

CAF_TEST(the shard router sends each user to its node and the rest anywhere) {
  auto router = sys.spawn(billing_shard_router, two_nodes,
                          std::vector<billing_router_actor>{b, a},
                          caf::timespan{std::chrono::seconds(5)});
  // The router trusts its handles: here both point the "wrong" way round,
  // so each write arrives at a node that forwards or serves it.
  auto user = user_on(0);
  CAF_REQUIRE(deposit(router, user, 300, "d1"));
  CAF_CHECK_EQUAL(node(b).state.wallets.count(user), 1u);
  auto page = call_to<outbox_page>(router, outbox_atom::value, outbox_query{"", 10});
  CAF_REQUIRE(page);
  CAF_CHECK_EQUAL(page->items.size(), 1u);
  // With one node gone, the outbox still answers and the status says which.
  anon_send_exit(b, caf::exit_reason::kill);
  sched.run();
  page = call_to<outbox_page>(router, outbox_atom::value, outbox_query{"", 10});
  CAF_REQUIRE(page);
  auto status = call_to<role_status>(router, status_atom::value);
  CAF_REQUIRE(status);
  CAF_CHECK(!status->ready);
  CAF_CHECK(status->detail.find("a:7100: unreachable") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
