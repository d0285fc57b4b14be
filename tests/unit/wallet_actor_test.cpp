#define CAF_SUITE wallet_actor

#include "actors/billing/billing_actor.hpp"

#include "actors/billing/billing_rules.hpp"
#include "actors/common/errc.hpp"
#include "tests/unit/billing_fixture.hpp"

using namespace streamify;
using namespace streamify::billing;
namespace p = streamify::persistence;

namespace {

using billing_test::billing_fixture;

constexpr auto idle = std::chrono::seconds(60);

struct fixture : billing_fixture {
  ledger_writer_actor writer;
  ledger_reader_actor reader;
  billing_router_actor role;

  fixture() {
    writer = sys.spawn(ledger_writer, store, writer_settings{});
    reader = sys.spawn(ledger_reader, store);
    billing_settings settings;
    settings.wallet.idle = idle;
    // Request timeouts far beyond the idle time, so that moving the clock
    // fires only the timers a test is about.
    settings.wallet.write_timeout = std::chrono::hours(1);
    settings.read_timeout = std::chrono::hours(1);
    role = sys.spawn(billing_role, std::vector<ledger_writer_actor>{writer},
                     std::vector<ledger_reader_actor>{reader}, settings,
                     std::make_shared<sandbox_provider>(), clk, tx_ids());
    sched.run();
  }

  ~fixture() override {
    // Passivate every wallet (their idle timers are the only ones left).
    run();
    CAF_CHECK(store->reconcile().ok());
  }

  billing_test::router_impl& router() {
    return node(role);
  }

  // Sends one request to the role and runs everything except timers.
  template <class T, class... Ts>
  caf::expected<T> call(Ts&&... xs) {
    return call_to<T>(role, std::forward<Ts>(xs)...);
  }

  deposit_result deposit(const std::string& user, int64_t amount,
                         const std::string& key) {
    auto r = call<deposit_result>(
      deposit_atom::value,
      deposit_request{user, key, "amount=" + std::to_string(amount), amount});
    CAF_REQUIRE(r);
    return *r;
  }

  static charge_request minute(int64_t index, int64_t price = 100,
                               const std::string& session = "s1") {
    return charge_request{"viewer", "creator", session, "video", index, price,
                          2000};
  }

  caf::expected<charge_result> charge(const charge_request& req) {
    return call<charge_result>(charge_atom::value, req);
  }

  wallet_summary summary(const std::string& user) {
    auto r = call<wallet_summary>(wallet_atom::value, user);
    CAF_REQUIRE(r);
    return *r;
  }

  // Lets the idle time pass and every wallet with nothing in flight go.
  void pass_idle_time() {
    advance_time(idle + std::chrono::seconds(1));
    sched.run();
  }
};


std::string machine_code(const caf::error& err) {
  const auto& ctx = err.context();
  return ctx.match_element<std::string>(0) ? ctx.get_as<std::string>(0) : "";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(wallet_actor_tests, fixture)

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
