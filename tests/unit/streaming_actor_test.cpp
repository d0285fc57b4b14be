#define CAF_SUITE streaming_actor

// Session lifecycle through the streaming role: start, end, idle, deletion,
// restart, access and history.
#include "tests/unit/streaming_fixture.hpp"

using namespace streamify;
using namespace streamify::streaming;
using namespace streamify::streaming_test;

CAF_TEST_FIXTURE_SCOPE(streaming_actor_tests, fixture)

CAF_TEST(start charges minute 0 before answering and stores the session) {
  self->send(role, start_atom::value, start_request{"ann", "paid", ""});
  expect((start_atom, start_request), from(self).to(role).with(_, _));
  expect((catalog::get_video_atom, std::string),
         from(role).to(catalog).with(_, "paid"));
  expect((video_info), from(catalog).to(role).with(_));
  sched.run_once(); // the new session gets `start`
  expect((billing::charge_atom, charge_request),
         from(_).to(billing).with(_, _));
  CAF_CHECK(store->live().empty()); // stored only once minute 0 is paid
  sched.run();
  session_view s;
  self->receive([&](session_view& v) { s = v; });
  CAF_CHECK_EQUAL(s.state, "active");
  CAF_CHECK_EQUAL(s.minutes_paid, 1);
  CAF_CHECK_EQUAL(s.charged_cents, price);
  CAF_CHECK_EQUAL(s.balance_cents, 1'000 - price);
  CAF_CHECK_EQUAL(s.heartbeat_interval_s, 10);
  CAF_CHECK(wallet->charges.count("charge:" + s.id + ":0") == 1);
  auto row = store->find(s.id);
  CAF_REQUIRE(row.has_value());
  CAF_CHECK_EQUAL(row->minutes_paid, 1);
  CAF_CHECK_EQUAL(row->fee_bps, 2000);
  CAF_CHECK_EQUAL(row->title, "Title of paid");
  CAF_CHECK_EQUAL(videos->views, std::vector<std::string>{s.id});
}

CAF_TEST(a short balance answers 402 and creates nothing) {
  wallet->balances["bob"] = price - 1;
  auto r = start("bob", "paid");
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::payment_required);
  CAF_CHECK(store->live().empty());
  CAF_CHECK(wallet->charges.empty());
  wallet->balances["bob"] = price;
  auto again = start("bob", "paid");
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->minutes_paid, 1);
}

CAF_TEST(starting again returns the live session and charges nothing) {
  auto s = started("ann", "paid");
  auto again = started("ann", "paid");
  CAF_CHECK_EQUAL(again.id, s.id);
  CAF_CHECK_EQUAL(wallet->charges.size(), 1u);
  CAF_CHECK(!start("ann", "missing"));
}

CAF_TEST(an idempotency key replays the first answer and rejects another body) {
  auto s = started("ann", "paid");
  call<session_view>(end_atom::value, s.id, std::string{"ann"});
  auto first = start("ann", "paid", "k1");
  CAF_REQUIRE(first);
  CAF_CHECK_NOT_EQUAL(first->id, s.id);
  auto replay = start("ann", "paid", "k1");
  CAF_REQUIRE(replay);
  CAF_CHECK_EQUAL(replay->id, first->id);
  auto other = start("ann", "free", "k1");
  CAF_REQUIRE(!other);
  CAF_CHECK(other.error() == errc::conflict);
}

CAF_TEST(no heartbeat for the idle timeout ends the session with timeout) {
  auto s = started("ann", "paid");
  wait_ms(20'000);
  CAF_REQUIRE(beat(s, 0, true));
  wait_ms(29'000);
  CAF_CHECK_EQUAL(get_view(s).state, "active");
  wait_ms(1'000);
  auto row = store->find(s.id);
  CAF_REQUIRE(row.has_value());
  CAF_CHECK_EQUAL(row->state, "ended");
  CAF_CHECK_EQUAL(row->end_reason, "timeout");
  auto after = beat(s, 30, true);
  CAF_REQUIRE(after);
  CAF_CHECK_EQUAL(after->state, "ended");
  CAF_CHECK_EQUAL(after->end_reason, "timeout");
  CAF_CHECK_NOT_EQUAL(started("ann", "paid").id, s.id);
}

CAF_TEST(a deleted video ends its sessions with video_deleted) {
  auto s = started("ann", "paid");
  CAF_REQUIRE_EQUAL(videos->listeners.size(), 1u);
  caf::anon_send(videos->listeners.front(), catalog::video_deleted_atom::value,
                 std::string{"paid"});
  sched.run();
  auto v = call<session_view>(get_session_atom::value, s.id,
                              std::string{"ann"});
  CAF_REQUIRE(v);
  CAF_CHECK_EQUAL(v->state, "ended");
  CAF_CHECK_EQUAL(v->end_reason, "video_deleted");
  CAF_CHECK_EQUAL(stored(s.id).end_reason, "video_deleted");
}

CAF_TEST(end stops billing and answers the same afterwards) {
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  wait_ms(10'000);
  auto ended = call<session_view>(end_atom::value, s.id, std::string{"ann"});
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->state, "ended");
  CAF_CHECK_EQUAL(ended->end_reason, "viewer");
  wait_ms(60'000);
  auto again = call<session_view>(end_atom::value, s.id, std::string{"ann"});
  CAF_CHECK_EQUAL(again->end_reason, "viewer");
  CAF_CHECK_EQUAL(beat_view(s, 70, true).minutes_paid, 1);
  CAF_CHECK_EQUAL(charges_of(s.id), 1);
}

CAF_TEST(another viewer may not touch a session) {
  auto s = started("ann", "paid");
  auto r = call<session_view>(get_session_atom::value, s.id,
                              std::string{"eve"});
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::forbidden);
  auto missing = call<session_view>(get_session_atom::value,
                                    std::string{"nope"}, std::string{"ann"});
  CAF_REQUIRE(!missing);
  CAF_CHECK(missing.error() == errc::not_found);
}

CAF_TEST(after a restart live sessions resume and stale ones are swept) {
  wallet->balances["dan"] = 1'000;
  auto stale = started("dan", "paid");
  auto s = started("ann", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  auto before = play(s, 0, 20);
  caf::anon_send_exit(role, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(store->live().size(), 2u);
  wait_ms(15'000); // the node is down: dan idles 35 s, ann 15 s
  start_role();
  auto swept = store->find(stale.id);
  CAF_CHECK_EQUAL(swept->state, "ended");
  CAF_CHECK_EQUAL(swept->end_reason, "timeout");
  CAF_CHECK_EQUAL(swept->ended_at_ms, swept->last_heartbeat_ms + 30'000);
  auto resumed = beat(s, 35, true);
  CAF_REQUIRE(resumed);
  CAF_CHECK_EQUAL(resumed->state, "active");
  CAF_CHECK_EQUAL(resumed->billed_ms, before.billed_ms + 15'000);
  auto later = play(s, 35, 30);
  CAF_CHECK_EQUAL(later.minutes_paid, 2);
  CAF_CHECK_EQUAL(charges_of(s.id), 2);
  CAF_CHECK_EQUAL(charges_of(stale.id), 1);
}

CAF_TEST(history lists the sessions of a viewer newest first with resume) {
  auto a = started("ann", "paid");
  CAF_REQUIRE(beat(a, 0, true));
  play(a, 0, 60);
  call<session_view>(end_atom::value, a.id, std::string{"ann"});
  wait_ms(1'000);
  auto b = started("ann", "free");
  call<session_view>(end_atom::value, b.id, std::string{"ann"});
  auto page = call<history_page>(history_atom::value,
                                 history_request{"ann", 1, ""});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->items.size(), 1u);
  CAF_CHECK_EQUAL(page->items[0].session_id, b.id);
  CAF_CHECK(!page->items[0].resume_ms);
  CAF_REQUIRE(!page->next_cursor.empty());
  auto next = call<history_page>(history_atom::value,
                                 history_request{"ann", 1, page->next_cursor});
  CAF_REQUIRE_EQUAL(next->items.size(), 1u);
  CAF_CHECK_EQUAL(next->items[0].session_id, a.id);
  CAF_CHECK_EQUAL(next->items[0].title, "Title of paid");
  CAF_CHECK_EQUAL(next->items[0].charged_cents, 2 * price);
  CAF_CHECK_EQUAL(*next->items[0].resume_ms, 60'000);
  CAF_CHECK(next->next_cursor.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
