#define CAF_SUITE billing_actor

#include "actors/billing/billing_actor.hpp"

#include "actors/billing/ledger_rules.hpp"
#include "tests/unit/billing_role_fixture.hpp"

using namespace streamify;
using namespace streamify::billing;
using namespace streamify::billing_test;
namespace p = streamify::persistence;

CAF_TEST_FIXTURE_SCOPE(billing_actor_tests, billing_role_fixture)

CAF_TEST(free charges never reach a wallet) {
  auto own = minute(0);
  own.creator_id = "viewer";
  for (auto req : {minute(0, 0), own}) {
    auto r = charge(req);
    CAF_REQUIRE(r);
    CAF_CHECK_EQUAL(r->amount_cents, 0);
    CAF_CHECK(r->transaction_id.empty());
  }
  CAF_CHECK_EQUAL(router().state.wallets_spawned, 0);
  CAF_CHECK_EQUAL(store->transactions(), 0u);
}

CAF_TEST(deposits check range and key and replay by key) {
  auto r = call<deposit_result>(deposit_atom::value,
                                deposit_request{"viewer", "k", "fp", 0});
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::invalid);
  r = call<deposit_result>(deposit_atom::value,
                           deposit_request{"viewer", "k", "fp", 100001});
  CAF_CHECK(r.error() == errc::invalid);
  r = call<deposit_result>(deposit_atom::value,
                           deposit_request{"viewer", "", "fp", 100});
  CAF_CHECK(r.error() == errc::bad_request);
  auto first = deposit("viewer", 100, "k");
  auto again = deposit("viewer", 100, "k");
  CAF_CHECK(again.replayed);
  CAF_CHECK_EQUAL(again.deposit_id, first.deposit_id);
  CAF_CHECK_EQUAL(again.balance_cents, 100);
  r = call<deposit_result>(deposit_atom::value,
                           deposit_request{"viewer", "k", "other body", 100});
  CAF_CHECK(r.error() == errc::conflict);
  // Keys are per user.
  CAF_CHECK(!deposit("someone", 100, "k").replayed);
}

CAF_TEST(the history is newest first with balances and a cursor) {
  deposit("viewer", 300, "d1");
  CAF_REQUIRE(charge(minute(0)));
  CAF_REQUIRE(charge(minute(1)));
  auto page = call<history_page>(history_atom::value,
                                 history_query{"viewer", "", 2});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->items.size(), 2u);
  CAF_CHECK_EQUAL(page->items[0].kind, "charge");
  CAF_CHECK_EQUAL(page->items[0].amount_cents, -100);
  CAF_CHECK_EQUAL(page->items[0].balance_after_cents, 100);
  CAF_CHECK_EQUAL(page->items[0].session_id, "s1");
  CAF_CHECK_EQUAL(page->items[1].balance_after_cents, 200);
  CAF_REQUIRE(!page->next_cursor.empty());
  auto rest = call<history_page>(history_atom::value,
                                 history_query{"viewer", page->next_cursor, 2});
  CAF_REQUIRE(rest);
  CAF_REQUIRE_EQUAL(rest->items.size(), 1u);
  CAF_CHECK_EQUAL(rest->items[0].kind, "deposit");
  CAF_CHECK_EQUAL(rest->items[0].balance_after_cents, 300);
  CAF_CHECK(rest->next_cursor.empty());
  auto earnings = call<history_page>(history_atom::value,
                                     history_query{"creator", "", 20});
  CAF_REQUIRE(earnings);
  CAF_CHECK_EQUAL(earnings->items.size(), 2u);
  CAF_CHECK_EQUAL(earnings->items[0].kind, "earning");
  CAF_CHECK_EQUAL(earnings->items[0].amount_cents, 80);
  auto bad = call<history_page>(history_atom::value,
                                history_query{"viewer", "x'; --", 2});
  CAF_REQUIRE(!bad);
  CAF_CHECK(bad.error() == errc::bad_request);
}

CAF_TEST(refunds reverse each charge once and never more than was charged) {
  deposit("viewer", 300, "d1");
  for (int i = 0; i < 3; ++i)
    CAF_REQUIRE(charge(minute(i)));
  // The creator spends most of the 240 earned before the refund.
  CAF_REQUIRE(charge(charge_request{"creator", "other", "s2", "v2", 0, 200, 0}));
  CAF_CHECK_EQUAL(summary("creator").balance_cents, 40);
  refund_request req{"admin", "s1", "r1", "fp", "broken video"};
  auto r = call<refund_result>(refund_atom::value, req);
  CAF_REQUIRE(r);
  CAF_CHECK(!r->replayed);
  CAF_CHECK_EQUAL(r->refunded_cents, 300);
  CAF_REQUIRE_EQUAL(r->items.size(), 3u);
  CAF_CHECK_EQUAL(r->items[0].creator_cents, 40); // all the creator had
  CAF_CHECK_EQUAL(r->items[0].platform_cents, 60);
  CAF_CHECK_EQUAL(r->items[1].creator_cents, 0);
  CAF_CHECK_EQUAL(r->items[1].platform_cents, 100);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 300);
  CAF_CHECK_EQUAL(summary("viewer").spent_cents, 0);
  CAF_CHECK_EQUAL(summary("creator").balance_cents, 0);
  CAF_CHECK_EQUAL(summary("creator").earned_cents, 200);
  // Replayed by key; another body under it conflicts.
  auto again = call<refund_result>(refund_atom::value, req);
  CAF_REQUIRE(again);
  CAF_CHECK(again->replayed);
  CAF_CHECK_EQUAL(again->refunded_cents, 300);
  CAF_CHECK_EQUAL(again->items[0].transaction_id, r->items[0].transaction_id);
  auto changed = req;
  changed.fingerprint = "other";
  auto conflict = call<refund_result>(refund_atom::value, changed);
  CAF_REQUIRE(!conflict);
  CAF_CHECK(conflict.error() == errc::conflict);
  // A second request (another key) finds nothing left to refund.
  auto second = call<refund_result>(refund_atom::value,
                                    refund_request{"admin", "s1", "r2", "fp", "x"});
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(second->refunded_cents, 0);
  CAF_CHECK(second->items.empty());
  // A later charge of the session can be refunded by a new request.
  deposit("viewer", 100, "d2");
  CAF_REQUIRE(charge(minute(3)));
  auto third = call<refund_result>(refund_atom::value,
                                   refund_request{"admin", "s1", "r3", "fp", "x"});
  CAF_REQUIRE(third);
  CAF_CHECK_EQUAL(third->refunded_cents, 100);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 400);
  auto unknown = call<refund_result>(refund_atom::value,
                                     refund_request{"admin", "nope", "r4", "fp", "x"});
  CAF_REQUIRE(!unknown);
  CAF_CHECK(unknown.error() == errc::not_found);
}

CAF_TEST(the outbox holds every money transaction in order) {
  deposit("viewer", 300, "d1");
  CAF_REQUIRE(charge(minute(0)));
  auto page = call<outbox_page>(outbox_atom::value, outbox_query{"", 10});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->items.size(), 2u);
  CAF_CHECK_EQUAL(page->items[0].kind, "deposit");
  CAF_CHECK_EQUAL(page->items[1].kind, "charge");
  CAF_CHECK_EQUAL(page->items[1].creator_cents, 80);
  CAF_CHECK_EQUAL(page->items[1].fee_cents, 20);
  auto next = call<outbox_page>(outbox_atom::value,
                                outbox_query{page->next_cursor, 10});
  CAF_REQUIRE(next);
  CAF_CHECK(next->items.empty());
  CAF_CHECK_EQUAL(next->next_cursor, page->next_cursor);
}

CAF_TEST(reconcile finds a cached balance that differs from its entries) {
  deposit("viewer", 300, "d1");
  CAF_CHECK(store->reconcile().ok());
  store->corrupt_balance("viewer", 301);
  auto report = store->reconcile();
  CAF_CHECK_EQUAL(report.balance_mismatches, 1);
  CAF_CHECK(!report.ok());
  store->corrupt_balance("viewer", 300);
}

CAF_TEST(status reports readiness and the writer gauges) {
  deposit("viewer", 300, "d1");
  auto s = call<role_status>(status_atom::value);
  CAF_REQUIRE(s);
  CAF_CHECK(s->ready);
  CAF_CHECK_EQUAL(s->gauges["wallets_active"], 1);
  CAF_CHECK_EQUAL(s->gauges["ledger_batches_total"], 1);
  CAF_CHECK_EQUAL(s->gauges["movements_applied_total"], 1);
  store->set_available(false);
  s = call<role_status>(status_atom::value);
  CAF_REQUIRE(s);
  CAF_CHECK(!s->ready);
  store->set_available(true);
}

CAF_TEST_FIXTURE_SCOPE_END()
