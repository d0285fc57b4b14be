#define CAF_SUITE session_actor

// Billing of one session, heartbeat by heartbeat.
#include "tests/unit/streaming_fixture.hpp"

using namespace streamify;
using namespace streamify::streaming;
using namespace streamify::streaming_test;

CAF_TEST_FIXTURE_SCOPE(session_actor_tests, fixture)

CAF_TEST(heartbeats crossing minutes charge each minute once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  auto at50 = play(s, 0, 50);
  CAF_CHECK_EQUAL(at50.billed_ms, 50'000);
  CAF_CHECK_EQUAL(at50.minutes_paid, 1);
  auto saves = store->saves();
  auto at60 = play(s, 50, 10);
  CAF_CHECK_EQUAL(at60.minutes_paid, 2);
  CAF_CHECK_EQUAL(at60.charged_cents, 2 * price);
  CAF_CHECK_EQUAL(stored(s.id).minutes_paid, 2);
  CAF_CHECK_GREATER(store->saves(), saves);
  auto at130 = play(s, 60, 70);
  CAF_CHECK_EQUAL(at130.minutes_paid, 3);
  CAF_CHECK_EQUAL(charges_of(s.id), 3);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - 3 * price);
}

CAF_TEST(pauses bill nothing and gaps are capped) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, false));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 0, true).billed_ms, 0);
  wait_ms(25'000);
  CAF_CHECK_EQUAL(beat_view(s, 25, true).billed_ms, 15'000);
}

CAF_TEST(nothing accrues at the end of the video) {
  auto s = started("ann", "short");
  CAF_REQUIRE(beat(s, 10, true));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 20, true).billed_ms, 10'000);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 20, true).billed_ms, 10'000);
}

CAF_TEST(duplicate and reordered heartbeats change nothing) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true, 1));
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 10, true, 3).billed_ms, 10'000);
  wait_ms(5'000);
  auto dup = beat(s, 10, true, 3);
  auto old = beat(s, 5, false, 2);
  CAF_CHECK_EQUAL(dup->billed_ms, 10'000);
  CAF_CHECK_EQUAL(old->position_ms, 10'000);
  wait_ms(5'000);
  auto next = beat(s, 20, true, 4);
  CAF_CHECK_EQUAL(next->billed_ms, 20'000);
  CAF_CHECK_EQUAL(next->position_ms, 20'000);
}

CAF_TEST(fifty identical heartbeats over a minute boundary charge once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wait_ms(10'000);
  for (int i = 0; i < 50; ++i)
    self->send(role, heartbeat_atom::value,
               heartbeat_request{s.id, "ann", 60'000, true, 7});
  sched.run();
  int answers = 0;
  for (int i = 0; i < 50; ++i)
    self->receive([&](session_view& v) {
      ++answers;
      CAF_CHECK_EQUAL(v.minutes_paid, 2);
    });
  CAF_CHECK_EQUAL(answers, 50);
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
}

CAF_TEST(a lost wallet reply answers 503 and the retry charges once) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wallet->silent = 1;
  wait_ms(10'000);
  auto pending = self->request(role, caf::infinite, heartbeat_atom::value,
                               heartbeat_request{s.id, "ann", 60'000, true,
                                                 caf::none});
  sched.run();
  wait_ms(5'000); // the session's wallet timeout
  pending.receive([](session_view&) { CAF_FAIL("expected an error"); },
                  [](caf::error& err) { CAF_CHECK(err == errc::unavailable); });
  CAF_CHECK_EQUAL(charges_of(s.id), 2); // committed, reply lost
  wait_ms(5'000);
  auto retried = beat(s, 70, true);
  CAF_REQUIRE(retried);
  CAF_CHECK_EQUAL(retried->minutes_paid, 2);
  CAF_CHECK_EQUAL(retried->billed_ms, 60'000); // frozen while unreachable
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - 2 * price);
  CAF_CHECK_EQUAL(retried->charged_cents, 2 * price);
}

CAF_TEST(a lost reply for minute 0 is retried with the same session and key) {
  wallet->silent = 1;
  auto pending = self->request(role, caf::infinite, start_atom::value,
                               start_request{"ann", "paid", ""});
  sched.run();
  wait_ms(5'000);
  sched.run();
  wait_ms(3'000); // the role's wait for the session
  pending.receive([](session_view&) { CAF_FAIL("expected an error"); },
                  [](caf::error& err) { CAF_CHECK(err == errc::unavailable); });
  CAF_CHECK(store->live().empty());
  auto retried = started("ann", "paid");
  CAF_CHECK_EQUAL(retried.minutes_paid, 1);
  CAF_CHECK_EQUAL(charges_of(retried.id), 1);
  CAF_CHECK_EQUAL(wallet->charges.size(), 1u);
  CAF_CHECK_EQUAL(wallet->balances["ann"], 1'000 - price);
  CAF_CHECK_EQUAL(store->live().size(), 1u);
}

CAF_TEST(payment_required freezes billing until a deposit pays the minute) {
  wallet->balances["cy"] = price;
  auto s = started("cy", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  wait_ms(15'000);
  auto short_ = beat(s, 65, true);
  CAF_REQUIRE(short_);
  CAF_CHECK_EQUAL(short_->state, "payment_required");
  CAF_CHECK_EQUAL(short_->billed_ms, 60'000);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 75, true).billed_ms, 60'000);
  wallet->balances["cy"] += 100;
  wait_ms(10'000);
  auto paid = beat(s, 85, true);
  CAF_REQUIRE(paid);
  CAF_CHECK_EQUAL(paid->state, "active");
  CAF_CHECK_EQUAL(paid->minutes_paid, 2);
  CAF_CHECK_EQUAL(paid->billed_ms, 60'000);
  CAF_CHECK_EQUAL(paid->balance_cents, 100 - price);
  wait_ms(10'000);
  CAF_CHECK_EQUAL(beat_view(s, 95, true).billed_ms, 70'000);
}

CAF_TEST(owner and free sessions never call the wallet) {
  auto own = started("owner", "paid");
  auto free = started("ann", "free");
  CAF_CHECK_EQUAL(own.minutes_paid, 0);
  CAF_CHECK_EQUAL(free.minutes_paid, 0);
  CAF_REQUIRE(beat(own, 0, true));
  CAF_REQUIRE(beat(free, 0, true));
  for (int i = 0; i < 13; ++i) {
    wait_ms(10'000);
    CAF_REQUIRE(beat(own, 10 * (i + 1), true));
    CAF_REQUIRE(beat(free, 10 * (i + 1), true));
  }
  CAF_CHECK_EQUAL(wallet->requests, 0);
  auto v = call<session_view>(get_session_atom::value, free.id,
                              std::string{"ann"});
  CAF_CHECK_EQUAL(v->billed_ms, 130'000);
  CAF_CHECK_EQUAL(v->minutes_paid, 0);
  // The free session became a view at 30 s; the owner's never does.
  CAF_CHECK_EQUAL(videos->views, std::vector<std::string>{free.id});
}

CAF_TEST_FIXTURE_SCOPE_END()
