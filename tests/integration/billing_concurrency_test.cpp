#define CAF_SUITE billing_concurrency

#include <caf/test/unit_test.hpp>

#include <atomic>

#include <pqxx/pqxx>

#include "actors/common/errc.hpp"
#include "persistence/billing/ledger_repository.hpp"
#include "tests/integration/billing_load.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify;
using namespace streamify::test;
using streamify::billing::charge_request;

// libpqxx 6.4 leaves one libpq result (~2 KB) unfreed when it finds its
// connection killed by the server, as "a dropped database connection" below
// does on purpose. Not ours to free; LeakSanitizer reads this list.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:PQmakeEmptyPGresult\n";
}

namespace {

// The scenarios run the billing role in this process against the real
// PostgreSQL ledger the shared node uses (each with its own users: creating
// databases costs seconds with fsync on), and end with both reconcile paths.

// (Not `summary(...)->balance_cents` inside a check: the check macros bind a
// reference to the expression, which would outlive the temporary.)
int64_t balance_of(local_billing& billing, const std::string& user) {
  auto s = billing.summary(user);
  CAF_REQUIRE(s);
  return s->balance_cents;
}

} // namespace

CAF_TEST(100 concurrent charges against a balance covering 37: exactly 37 succeed) {
  auto& dbs = shared_databases();
  local_billing billing{dbs.url("billing")};
  constexpr int64_t price = 25;
  CAF_REQUIRE(billing.deposit("c37_viewer1", 37 * price, "d1"));
  tally t;
  storm(100, 10,
        [](int i) {
          return charge_request{"c37_viewer1", "c37_creator1", "c37_s" + std::to_string(i),
                                "video1", 0, price, 2000};
        },
        [&](const charge_request& req) { t.add(billing.charge(req)); });
  CAF_CHECK_EQUAL(t.ok, 37);
  CAF_CHECK_EQUAL(t.insufficient, 63);
  CAF_CHECK_EQUAL(t.other + t.unavailable, 0);
  CAF_CHECK_EQUAL(t.transactions.size(), 37u);
  auto s = billing.summary("c37_viewer1");
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->balance_cents, 0);
  CAF_CHECK_EQUAL(s->spent_cents, 37 * price);
  CAF_CHECK_EQUAL(dbs.query("billing", "SELECT balance_cents FROM accounts"
                                       " WHERE id = 'c37_viewer1'"),
                  "0");
  // Never negative, not even for a moment: every balance_after is >= 0.
  CAF_CHECK_EQUAL(dbs.query("billing",
                            "SELECT min(balance_after_cents) FROM ledger_entries"
                            " WHERE account_id = 'c37_viewer1'"),
                  "0");
  CAF_CHECK_EQUAL(dbs.query("billing", "SELECT count(*) FROM ledger_transactions"
                                       " WHERE kind = 'charge'"
                                       " AND subject_id = 'c37_viewer1'"),
                  "37");
  auto creator = billing.summary("c37_creator1");
  CAF_REQUIRE(creator);
  CAF_CHECK_EQUAL(creator->earned_cents, 37 * 20);
  check_reconciled(dbs);
}

CAF_TEST(the database refuses a negative user balance on its own) {
  auto& dbs = shared_databases();
  local_billing billing{dbs.url("billing")};
  CAF_REQUIRE(billing.deposit("neg_viewer1", 10, "d1"));
  pqxx::connection c{dbs.url("billing")};
  pqxx::work txn{c};
  bool refused = false;
  try {
    txn.exec("UPDATE accounts SET balance_cents = -1 WHERE id = 'neg_viewer1'");
  } catch (const pqxx::check_violation&) {
    refused = true;
  }
  CAF_CHECK(refused);
  check_reconciled(dbs);
}

CAF_TEST(one key charged from many threads at once is charged once) {
  auto& dbs = shared_databases();
  local_billing billing{dbs.url("billing")};
  CAF_REQUIRE(billing.deposit("dup_viewer1", 1000, "d1"));
  tally t;
  std::atomic<int> fresh{0};
  storm(50, 10,
        [](int) {
          return charge_request{"dup_viewer1", "dup_creator1", "dup_s1", "video1", 0, 30,
                                1000};
        },
        [&](const charge_request& req) {
          auto r = billing.charge(req);
          if (r && !r->replayed)
            ++fresh;
          t.add(r);
        });
  CAF_CHECK_EQUAL(t.ok, 50);
  CAF_CHECK_EQUAL(t.transactions.size(), 1u);
  CAF_CHECK_EQUAL(fresh.load(), 1);
  CAF_CHECK_EQUAL(balance_of(billing, "dup_viewer1"), 970);
  // The same key with another amount is a conflict, now and after a restart.
  auto other = charge_request{"dup_viewer1", "dup_creator1", "dup_s1", "video1", 0, 31, 1000};
  auto r = billing.charge(other);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::conflict);
  {
    local_billing restarted{dbs.url("billing")};
    r = restarted.charge(other);
    CAF_REQUIRE(!r);
    CAF_CHECK(r.error() == errc::conflict);
    auto same = restarted.charge(
      charge_request{"dup_viewer1", "dup_creator1", "dup_s1", "video1", 0, 30, 1000});
    CAF_REQUIRE(same);
    CAF_CHECK(same->replayed);
    CAF_CHECK_EQUAL(same->balance_cents, 970);
  }
  check_reconciled(dbs);
}

CAF_TEST(many viewers over several writers keep every balance right) {
  auto& dbs = shared_databases();
  billing::billing_topology topology;
  topology.writers = 4;
  topology.writer.batch_max = 16;
  local_billing billing{dbs.url("billing"), topology};
  constexpr int viewers = 20;
  constexpr int minutes = 30;
  constexpr int64_t price = 40; // 1000 covers 25 minutes
  auto revenue = [&] {
    return std::stoll(dbs.query("billing", "SELECT balance_cents FROM accounts"
                                           " WHERE id = 'platform:revenue'"));
  };
  auto revenue_before = revenue();
  for (int v = 0; v < viewers; ++v)
    CAF_REQUIRE(billing.deposit("many_viewer" + std::to_string(v), 1000, "d"));
  tally t;
  storm(viewers * minutes, 16,
        [](int i) {
          auto v = i % viewers;
          return charge_request{"many_viewer" + std::to_string(v),
                                "many_creator" + std::to_string(i % 3),
                                "many_s" + std::to_string(v), "video1",
                                i / viewers, price, 1500};
        },
        [&](const charge_request& req) { t.add(billing.charge(req)); });
  CAF_CHECK_EQUAL(t.ok, viewers * 25);
  CAF_CHECK_EQUAL(t.insufficient, viewers * (minutes - 25));
  CAF_CHECK_EQUAL(t.other + t.unavailable, 0);
  for (int v = 0; v < viewers; ++v)
    CAF_CHECK_EQUAL(balance_of(billing, "many_viewer" + std::to_string(v)), 0);
  int64_t earned = 0;
  for (int c = 0; c < 3; ++c)
    earned += billing.summary("many_creator" + std::to_string(c))->earned_cents;
  CAF_CHECK_EQUAL(earned, viewers * 25 * (price - price * 1500 / 10000));
  CAF_CHECK_EQUAL(revenue() - revenue_before,
                  viewers * 25 * (price * 1500 / 10000));
  auto status = billing.status();
  CAF_REQUIRE(status);
  CAF_CHECK(status->ready);
  CAF_CHECK_GREATER(status->gauges["ledger_batches_total"], 0);
  CAF_CHECK_LESS_OR_EQUAL(status->gauges["ledger_batch_size_max"], 16);
  check_reconciled(dbs);
}

CAF_TEST(a dropped database connection is replaced and charges once) {
  auto& dbs = shared_databases();
  local_billing billing{dbs.url("billing")};
  CAF_REQUIRE(billing.deposit("drop_viewer1", 100, "d1"));
  CAF_REQUIRE(billing.charge(
    charge_request{"drop_viewer1", "drop_creator1", "drop_s1", "v", 0, 10, 0}));
  // Kill every connection of the ledger (writers and readers).
  {
    pqxx::connection admin{dbs.url("auth")};
    auto db = dbs.url("billing").substr(dbs.url("billing").rfind('/') + 1);
    pqxx::nontransaction{admin}.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE datname = '" + db + "'");
  }
  auto r = billing.charge(
    charge_request{"drop_viewer1", "drop_creator1", "drop_s1", "v", 1, 10, 0});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 80);
  // The reader reconnects on the next query.
  auto s = billing.summary("drop_viewer1");
  if (!s)
    s = billing.summary("drop_viewer1");
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->balance_cents, 80);
  check_reconciled(dbs);
}

CAF_TEST(two billing nodes on one ledger never overdraw a wallet) {
  auto& dbs = shared_databases();
  local_billing a{dbs.url("billing")};
  local_billing b{dbs.url("billing")};
  constexpr int64_t price = 10;
  CAF_REQUIRE(a.deposit("two_viewer1", 37 * price, "d1"));
  tally t;
  storm(80, 8,
        [](int i) {
          return charge_request{"two_viewer1", "two_creator1", "two_s" + std::to_string(i),
                                "v", 0, price, 0};
        },
        [&](const charge_request& req) {
          // Alternate between the nodes: their wallets fence each other with
          // owner_epoch.
          auto n = std::stoi(req.session_id.substr(req.session_id.rfind('s') + 1));
          t.add(n % 2 == 0 ? a.charge(req) : b.charge(req));
        });
  auto s = a.summary("two_viewer1");
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(t.other, 0);
  CAF_CHECK_LESS_OR_EQUAL(t.ok, 37);
  CAF_CHECK_EQUAL(s->balance_cents, (37 - t.ok) * price);
  CAF_CHECK_EQUAL(t.ok + t.insufficient + t.unavailable, 80);
  CAF_MESSAGE("two nodes: " << t.ok << " charged, " << t.insufficient
                            << " short, " << t.unavailable
                            << " to retry (owner moved)");
  check_reconciled(dbs);
}
