#define CAF_SUITE billing_writers

#include <caf/test/unit_test.hpp>

#include "actors/billing/ledger_rules.hpp"
#include "persistence/billing/ledger_repository.hpp"
#include "tests/integration/billing_load.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/shared_node.hpp"

// Several ledger writers credit the same accounts (creators, the platform's
// revenue) at once: each batch writes those entries last, under the rows'
// locks, from the balances the account update returns. These scenarios check
// that every account's entries still chain (each balance_after is the one
// before plus the amount, in seq order, from 0) and that nothing is lost.

using namespace streamify;
using namespace streamify::test;
using streamify::billing::charge_request;

namespace {

// Entries of the accounts whose id starts with `prefix` that do not follow
// from the one before (or, for the first, from 0).
std::string broken_chains(const test_databases& dbs, const std::string& prefix) {
  return dbs.query("billing",
                   "SELECT count(*) FROM (SELECT balance_after_cents"
                   " - amount_cents AS before, lag(balance_after_cents)"
                   " OVER (PARTITION BY account_id ORDER BY seq) AS prev"
                   " FROM ledger_entries WHERE account_id LIKE '"
                     + prefix + "%') x WHERE before <> coalesce(prev, 0)");
}

} // namespace

CAF_TEST(one creator paid through four writers keeps an exact history) {
  auto& dbs = shared_databases();
  billing::billing_topology topology;
  topology.writers = 4;
  topology.writer.batch_max = 8;
  local_billing billing{dbs.url("billing"), topology};
  constexpr int viewers = 24;
  constexpr int minutes = 12;
  for (int v = 0; v < viewers; ++v)
    CAF_REQUIRE(billing.deposit("w1_viewer" + std::to_string(v), 1000, "d"));
  tally c;
  storm(viewers * minutes, 16,
        [](int i) {
          auto v = std::to_string(i % 24);
          return charge_request{"w1_viewer" + v, "w1_creator", "w1_s" + v,
                                "video1", i / 24, 50, 2000};
        },
        [&](const charge_request& req) { c.add(billing.charge(req)); });
  CAF_CHECK_EQUAL(c.ok, viewers * minutes);
  CAF_CHECK_EQUAL(c.insufficient + c.unavailable + c.other, 0);
  auto creator = billing.summary("w1_creator");
  CAF_REQUIRE(creator);
  CAF_CHECK_EQUAL(creator->balance_cents, viewers * minutes * 40);
  CAF_CHECK_EQUAL(creator->earned_cents, viewers * minutes * 40);
  CAF_CHECK_EQUAL(broken_chains(dbs, "w1_"), "0");
  CAF_CHECK_EQUAL(broken_chains(dbs, "platform:"), "0");
  CAF_CHECK_EQUAL(dbs.query("billing", "SELECT count(*) FROM ledger_entries e"
                                       " WHERE account_id = 'w1_creator'"
                                       " AND balance_after_cents > (SELECT"
                                       " balance_cents FROM accounts"
                                       " WHERE id = 'w1_creator')"),
                  "0");
  check_reconciled(dbs);
}

CAF_TEST(creators who also watch each other over three writers) {
  auto& dbs = shared_databases();
  billing::billing_topology topology;
  topology.writers = 3;
  topology.writer.batch_max = 8;
  local_billing billing{dbs.url("billing"), topology};
  constexpr int users = 6;
  constexpr int minutes = 40; // 40 * 30 > 1000: some charges find no money
  for (int u = 0; u < users; ++u)
    CAF_REQUIRE(billing.deposit("w2_user" + std::to_string(u), 1000, "d"));
  tally c;
  storm(users * minutes, 12,
        [](int i) {
          auto u = i % 6;
          return charge_request{"w2_user" + std::to_string(u),
                                "w2_user" + std::to_string((u + 1) % 6),
                                "w2_s" + std::to_string(u), "video1", i / 6,
                                30, 1500};
        },
        [&](const charge_request& req) { c.add(billing.charge(req)); });
  CAF_CHECK_EQUAL(c.unavailable + c.other, 0);
  CAF_CHECK_EQUAL(c.ok + c.insufficient, users * minutes);
  // Money is only moved: deposits = user balances + the platform's fees.
  int64_t balances = 0;
  for (int u = 0; u < users; ++u) {
    auto s = billing.summary("w2_user" + std::to_string(u));
    CAF_REQUIRE(s);
    balances += s->balance_cents;
  }
  CAF_CHECK_EQUAL(balances + c.ok * (30 * 1500 / 10000), users * 1000);
  CAF_CHECK_EQUAL(broken_chains(dbs, "w2_"), "0");
  CAF_CHECK_EQUAL(dbs.query("billing", "SELECT count(*) FROM ledger_entries"
                                       " WHERE account_id LIKE 'w2_%'"
                                       " AND balance_after_cents < 0"),
                  "0");
  check_reconciled(dbs);
}

CAF_TEST(a viewer refunded by another writer can spend the refund at once) {
  // A writer plans from the balances its last commit left (only it debits
  // its wallets' accounts); a refund written by the creator's writer raises
  // the viewer's balance behind its back, and the charge it would refuse is
  // decided again from the database.
  auto& dbs = shared_databases();
  billing::billing_topology topology;
  topology.writers = 4;
  local_billing billing{dbs.url("billing"), topology};
  const std::string creator = "w3_creator";
  auto writer_of = [](const std::string& user) {
    return std::hash<std::string>{}(user) % 4; // the router's rule
  };
  std::string viewer;
  for (int i = 0; viewer.empty(); ++i)
    if (writer_of("w3_viewer" + std::to_string(i)) != writer_of(creator))
      viewer = "w3_viewer" + std::to_string(i);
  CAF_REQUIRE(billing.deposit(viewer, 100, "d"));
  for (int m = 0; m < 10; ++m)
    CAF_REQUIRE(billing.charge(
      charge_request{viewer, creator, "w3_s1", "video1", m, 10, 2000}));
  // The viewer's writer now remembers a balance of 5.
  CAF_REQUIRE(billing.deposit(viewer, 5, "d2"));
  caf::scoped_actor self{billing.system()};
  bool refunded = false;
  self
    ->request(billing.role(), std::chrono::seconds(10), billing::refund_atom::value,
              billing::refund_request{"w3_admin", "w3_s1", "r1", "", "test"})
    .receive(
      [&](billing::refund_result& r) {
        refunded = true;
        CAF_CHECK_EQUAL(r.refunded_cents, 100);
      },
      [&](caf::error& err) { CAF_FAIL("refund failed: " << to_string(err)); });
  CAF_REQUIRE(refunded);
  auto again = billing.charge(
    charge_request{viewer, creator, "w3_s2", "video1", 0, 10, 2000});
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->balance_cents, 95);
  CAF_CHECK_EQUAL(broken_chains(dbs, "w3_"), "0");
  check_reconciled(dbs);
}

CAF_TEST(a key another writer committed is answered from the ledger) {
  // A writer does not read charge keys before it writes them: the binary
  // COPY meets the unique key, and the batch is planned again with its keys
  // read. The other charges of that batch still commit once.
  auto& dbs = shared_databases();
  const std::string viewer = "w4_viewer";
  persistence::ledger_repository first{dbs.url("billing"), billing::ordered_id};
  persistence::ledger_repository second{dbs.url("billing"), billing::ordered_id};
  auto epoch = first.claim(viewer).owner_epoch;
  auto charge = [&](int minute, int64_t price) {
    return billing::charge_movement(
      charge_request{viewer, "w4_creator", "w4_s1", "video1", minute, price, 2000},
      billing::ordered_id(), epoch, 1'700'000'000'000);
  };
  auto deposit = billing::deposit_movement(
    billing::deposit_request{viewer, "d", "d", 100}, billing::ordered_id(), "ref", 0);
  auto d = first.apply({deposit}); // (checks bind a reference: no temporaries)
  CAF_REQUIRE_EQUAL(d[0].status, persistence::status_applied);
  auto m0 = charge(0, 10);
  auto committed = first.apply({m0});
  CAF_REQUIRE_EQUAL(committed[0].status, persistence::status_applied);
  auto replay = m0;
  replay.id = billing::ordered_id(); // another wallet's attempt: its own id
  auto changed = charge(0, 20);      // the same key for another price
  auto fresh = charge(1, 10);
  auto out = second.apply({replay, fresh, changed});
  CAF_CHECK_EQUAL(out[0].status, persistence::status_replayed);
  CAF_CHECK_EQUAL(out[0].transaction_id, committed[0].transaction_id);
  CAF_CHECK_EQUAL(out[1].status, persistence::status_applied);
  CAF_CHECK_EQUAL(out[2].status, persistence::status_conflict);
  CAF_CHECK_EQUAL(dbs.query("billing", "SELECT count(*) FROM ledger_transactions"
                                       " WHERE subject_id = 'w4_viewer'"),
                  "3");
  CAF_CHECK_EQUAL(broken_chains(dbs, "w4_"), "0");
  check_reconciled(dbs);
}
