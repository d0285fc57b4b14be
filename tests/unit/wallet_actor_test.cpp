#define CAF_SUITE wallet_actor

#include "actors/billing/wallet_actor.hpp"

#include "actors/billing/ledger_rules.hpp"
#include "tests/unit/billing_role_fixture.hpp"

using namespace streamify;
using namespace streamify::billing;
using namespace streamify::billing_test;
namespace p = streamify::persistence;

CAF_TEST_FIXTURE_SCOPE(wallet_actor_tests, billing_role_fixture)

CAF_TEST(a charge goes router to wallet to writer and back after commit) {
  deposit("viewer", 500, "d1");
  self->send(role, charge_atom::value, minute(0));
  expect((charge_atom, charge_request), from(self).to(role).with(_, _));
  auto wallet = router().state.wallets.at("viewer").handle;
  expect((charge_atom, charge_request), from(self).to(wallet).with(_, _));
  expect((apply_atom, p::movement), from(wallet).to(writer).with(_, _));
  expect((flush_atom), from(writer).to(writer).with(_));
  expect((p::movement_outcome), from(writer).to(wallet).with(_));
  expect((charge_result), from(wallet).to(self).with(_));
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 400);
  auto creator = summary("creator");
  CAF_CHECK_EQUAL(creator.balance_cents, 80);
  CAF_CHECK_EQUAL(creator.earned_cents, 80);
  CAF_CHECK_EQUAL(summary("viewer").spent_cents, 100);
}

CAF_TEST(charges apply in order and gather into one commit) {
  deposit("viewer", 250, "d1");
  auto calls = store->apply_calls();
  auto a = self->request(role, caf::infinite, charge_atom::value, minute(0));
  auto b = self->request(role, caf::infinite, charge_atom::value, minute(1));
  auto c = self->request(role, caf::infinite, charge_atom::value, minute(2));
  // The wallet sends all three before the writer looks at its mailbox.
  auto w = dynamic_cast<caf::resumable*>(
    caf::actor_cast<caf::abstract_actor*>(writer));
  sched.run_jobs_filtered([w](caf::resumable* r) { return r != w; });
  sched.run();
  std::vector<caf::expected<charge_result>> results;
  for (auto* h : {&a, &b, &c}) {
    caf::expected<charge_result> out = caf::error{};
    h->receive([&](charge_result& r) { out = r; },
               [&](caf::error& e) { out = e; });
    results.push_back(out);
  }
  CAF_REQUIRE(results[0]);
  CAF_REQUIRE(results[1]);
  CAF_CHECK_EQUAL(results[0]->balance_cents, 150);
  CAF_CHECK_EQUAL(results[1]->balance_cents, 50);
  CAF_REQUIRE(!results[2]);
  CAF_CHECK(results[2].error() == errc::payment_required);
  CAF_CHECK_EQUAL(machine_code(results[2].error()), "insufficient_funds");
  CAF_CHECK_EQUAL(store->apply_calls(), calls + 1); // one batch, one commit
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 50);
}

CAF_TEST(a repeated key answers the first result and charges once) {
  deposit("viewer", 500, "d1");
  // Twice at once: the second joins the write in flight.
  auto a = self->request(role, caf::infinite, charge_atom::value, minute(0));
  auto b = self->request(role, caf::infinite, charge_atom::value, minute(0));
  sched.run();
  charge_result first;
  charge_result second;
  a.receive([&](charge_result& r) { first = r; }, [](caf::error&) {});
  b.receive([&](charge_result& r) { second = r; }, [](caf::error&) {});
  CAF_CHECK(!first.replayed);
  CAF_CHECK(second.replayed);
  CAF_CHECK_EQUAL(first.transaction_id, second.transaction_id);
  CAF_CHECK_EQUAL(second.balance_cents, 400);
  // Later, from the wallet's memory.
  auto third = charge(minute(0));
  CAF_REQUIRE(third);
  CAF_CHECK(third->replayed);
  CAF_CHECK_EQUAL(third->transaction_id, first.transaction_id);
  // After passivation, from the ledger.
  pass_idle_time();
  CAF_CHECK_EQUAL(router().state.wallets.size(), 0u);
  auto fourth = charge(minute(0));
  CAF_REQUIRE(fourth);
  CAF_CHECK(fourth->replayed);
  CAF_CHECK_EQUAL(fourth->transaction_id, first.transaction_id);
  CAF_CHECK_EQUAL(fourth->balance_cents, 400);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 400);
  CAF_CHECK_EQUAL(store->transactions(), 2u); // the deposit and one charge
}

CAF_TEST(the same key with another amount is a conflict) {
  deposit("viewer", 500, "d1");
  // In flight together.
  auto a = self->request(role, caf::infinite, charge_atom::value, minute(0));
  auto b = self->request(role, caf::infinite, charge_atom::value,
                         minute(0, 150));
  sched.run();
  bool first_ok = false;
  caf::error second;
  a.receive([&](charge_result&) { first_ok = true; }, [](caf::error&) {});
  b.receive([](charge_result&) {}, [&](caf::error& e) { second = e; });
  CAF_CHECK(first_ok);
  CAF_CHECK(second == errc::conflict);
  // From memory, then from the ledger after passivation.
  auto r = charge(minute(0, 150));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::conflict);
  pass_idle_time();
  r = charge(minute(0, 150));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::conflict);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 400);
}

CAF_TEST(a declined charge is not remembered and succeeds after a deposit) {
  auto r = charge(minute(0));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::payment_required);
  deposit("viewer", 100, "d1");
  r = charge(minute(0));
  CAF_REQUIRE(r);
  CAF_CHECK(!r->replayed);
  CAF_CHECK_EQUAL(r->balance_cents, 0);
}

CAF_TEST(idle wallets passivate and reload from the ledger) {
  deposit("viewer", 300, "d1");
  CAF_REQUIRE(charge(minute(0)));
  CAF_CHECK_EQUAL(router().state.wallets.size(), 1u);
  advance_time(idle / 2);
  sched.run();
  CAF_CHECK_EQUAL(router().state.wallets.size(), 1u); // not idle long enough
  pass_idle_time();
  CAF_CHECK_EQUAL(router().state.wallets.size(), 0u);
  CAF_CHECK_EQUAL(router().state.wallets_passivated, 1);
  // A new wallet claims the account with a newer epoch and goes on.
  auto claim = store->claim("viewer"); // what the next owner will surpass
  auto r = charge(minute(1));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 100);
  CAF_CHECK_EQUAL(router().state.wallets_spawned, 2);
  CAF_CHECK_EQUAL(store->claim("viewer").owner_epoch, claim.owner_epoch + 2);
}

CAF_TEST(an operator passivates a resident wallet at once) {
  deposit("viewer", 300, "d1");
  CAF_REQUIRE(charge(minute(0)));
  CAF_CHECK(actor_stats::node().contains("wallet", "viewer"));
  auto absent = call<bool>(passivate_atom::value, std::string{"nobody"});
  CAF_REQUIRE(absent);
  CAF_CHECK(!*absent);
  auto asked = call<bool>(passivate_atom::value, std::string{"viewer"});
  CAF_REQUIRE(asked);
  CAF_CHECK(*asked);
  CAF_CHECK_EQUAL(router().state.wallets.size(), 0u);
  CAF_CHECK(!actor_stats::node().contains("wallet", "viewer"));
  auto r = charge(minute(1));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 100);
  CAF_CHECK_EQUAL(router().state.wallets_spawned, 2);
}

CAF_TEST(a wallet never passivates with a write in flight) {
  deposit("viewer", 300, "d1");
  auto w = dynamic_cast<caf::resumable*>(
    caf::actor_cast<caf::abstract_actor*>(writer));
  auto not_writer = [w](caf::resumable* r) { return r != w; };
  auto pending = self->request(role, caf::infinite, charge_atom::value,
                               minute(0));
  sched.run_jobs_filtered(not_writer); // the charge now waits at the writer
  advance_time(idle * 3);
  sched.run_jobs_filtered(not_writer);
  CAF_CHECK_EQUAL(router().state.wallets.size(), 1u);
  CAF_CHECK_EQUAL(router().state.wallets_passivated, 0);
  sched.run(); // the commit
  bool ok = false;
  pending.receive([&](charge_result&) { ok = true; }, [](caf::error&) {});
  CAF_CHECK(ok);
  pass_idle_time();
  CAF_CHECK_EQUAL(router().state.wallets.size(), 0u);
}

CAF_TEST(a request on its way keeps the wallet from passivating) {
  deposit("viewer", 300, "d1");
  auto wallet = router().state.wallets.at("viewer").handle;
  advance_time(idle + std::chrono::seconds(1)); // the tick is now queued
  // The router forwards a charge before it reads the wallet's idle notice.
  self->send(role, charge_atom::value, minute(0));
  expect((tick_atom), to(wallet).with(_));
  expect((charge_atom, charge_request), from(self).to(role).with(_, _));
  expect((idle_atom, std::string, uint64_t),
         from(wallet).to(role).with(_, std::string{"viewer"}, uint64_t{1}));
  CAF_CHECK_EQUAL(router().state.wallets.size(), 1u);
  sched.run();
  CAF_CHECK_EQUAL(router().state.wallets_passivated, 0);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 200);
}

CAF_TEST(a wallet failing as it is passivated leaves the router running) {
  deposit("viewer", 300, "d1");
  auto wallet = router().state.wallets.at("viewer").handle;
  advance_time(idle + std::chrono::seconds(1)); // the tick is now queued
  // The wallet sends its idle notice, then fails before the router's stop;
  // its exit reaches the router after the router has forgotten it.
  caf::anon_send_exit(wallet, caf::exit_reason::unhandled_exception);
  expect((tick_atom), to(wallet).with(_));
  sched.run();
  CAF_CHECK_EQUAL(router().state.wallets_passivated, 1);
  CAF_CHECK_EQUAL(deposit("viewer", 100, "d2").balance_cents, 400);
}

CAF_TEST(a wallet whose account was claimed elsewhere claims it back once) {
  deposit("viewer", 300, "d1");
  CAF_REQUIRE(charge(minute(0)));
  store->claim("viewer"); // another owner (another node) took over
  auto r = charge(minute(1));
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 100);
}

CAF_TEST(an unknown commit outcome is never answered charged nor charged twice) {
  deposit("viewer", 300, "d1");
  store->fail_next_apply(true); // commits, but the answer is lost
  auto r = charge(minute(0));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::unavailable);
  r = charge(minute(0)); // the caller retries with the same key
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->balance_cents, 200);
  CAF_CHECK_EQUAL(summary("viewer").balance_cents, 200);
  store->fail_next_apply(false); // nothing committed
  r = charge(minute(1));
  CAF_REQUIRE(!r);
  r = charge(minute(1));
  CAF_REQUIRE(r);
  CAF_CHECK(!r->replayed);
  CAF_CHECK_EQUAL(r->balance_cents, 100);
}

CAF_TEST(an unreachable ledger answers 503 and the wallet recovers) {
  store->set_available(false);
  auto r = call<deposit_result>(deposit_atom::value,
                                deposit_request{"viewer", "d1", "fp", 100});
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::unavailable);
  store->set_available(true);
  CAF_CHECK_EQUAL(deposit("viewer", 100, "d1").balance_cents, 100);
}

CAF_TEST_FIXTURE_SCOPE_END()
