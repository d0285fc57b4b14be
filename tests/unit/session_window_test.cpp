#define CAF_SUITE session_window

// The paid window as the session actor applies it to gateways' claims.
#include "tests/unit/streaming_fixture.hpp"

using namespace streamify;
using namespace streamify::streaming;
using namespace streamify::streaming_test;

namespace {

constexpr int64_t seg = 4'000;

struct window_fixture : fixture {
  window_fixture() {
    settings.session.window = window_params{60'000, 2'000, 60'000, 0};
    caf::anon_send_exit(role, caf::exit_reason::kill);
    sched.run();
    start_role();
  }

  caf::expected<span_grant> claim(const session_view& s, int64_t begin_ms,
                                  int64_t end_ms) {
    return call<span_grant>(claim_atom::value,
                            claim_request{s.id, begin_ms, end_ms});
  }

  // Claims every 4 s segment of the 10-minute video; the granted ones.
  int64_t greedy(const session_view& s) {
    int64_t granted = 0;
    for (int64_t at = 0; at < 600'000; at += seg)
      granted += claim(s, at, at + seg) ? 1 : 0;
    return granted;
  }

  session_actor session_of(const std::string& id) {
    using role_impl = streaming_actor::stateful_base<streaming_state>;
    return deref<role_impl>(role).state.sessions.at(id).handle;
  }
};

std::string machine_code(const caf::error& err) {
  return err.context().match_element<std::string>(0)
           ? err.context().get_as<std::string>(0)
           : std::string{};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_window_tests, window_fixture)

CAF_TEST(a session grants at most its window and each paid minute widens it) {
  auto s = started("ann", "paid"); // minute 0 paid: 2 x 60 s + 60 s
  CAF_CHECK_EQUAL(greedy(s), 45);
  auto past = claim(s, 180'000, 184'000);
  CAF_REQUIRE(!past);
  CAF_CHECK(past.error() == errc::payment_required);
  CAF_CHECK_EQUAL(machine_code(past.error()), "beyond_paid_window");
  CAF_CHECK_EQUAL(stored(s.id).delivered, "0-180000");
  CAF_REQUIRE(beat(s, 0, true));
  auto paid = play(s, 0, 60);
  CAF_REQUIRE_EQUAL(paid.minutes_paid, 2);
  CAF_CHECK_EQUAL(greedy(s), 75);
  CAF_CHECK_EQUAL(stored(s.id).delivered, "0-300000");
}

CAF_TEST(a delivered span is granted again for free) {
  auto s = started("ann", "paid");
  greedy(s);
  for (int rendition = 0; rendition < 3; ++rendition) {
    auto again = claim(s, 40'000, 44'000);
    CAF_REQUIRE(again);
    CAF_CHECK_EQUAL(again->begin_ms, 0);
    CAF_CHECK_EQUAL(again->end_ms, 180'000);
  }
}

CAF_TEST(a new grant is saved before it is answered) {
  auto s = started("ann", "paid");
  auto session = session_of(s.id);
  self->send(role, claim_atom::value, claim_request{s.id, 0, seg});
  expect((claim_atom, claim_request), from(self).to(role).with(_, _));
  expect((claim_atom, int64_t, int64_t),
         from(self).to(session).with(_, 0, seg));
  expect((save_atom, persistence::session_row),
         from(session).to(worker).with(_, _));
  expect((bool), from(worker).to(session).with(true));
  expect((span_grant), from(session).to(self).with(_));
  CAF_CHECK_EQUAL(stored(s.id).delivered, "0-4000");
  self->send(role, claim_atom::value, claim_request{s.id, 0, seg});
  expect((claim_atom, claim_request), from(self).to(role).with(_, _));
  expect((claim_atom, int64_t, int64_t),
         from(self).to(session).with(_, 0, seg));
  disallow((save_atom, persistence::session_row), from(session).to(worker));
  expect((span_grant), from(session).to(self).with(_));
}

CAF_TEST(the window survives a restart of the streaming role) {
  auto s = started("ann", "paid");
  CAF_CHECK_EQUAL(greedy(s), 45);
  caf::anon_send_exit(role, caf::exit_reason::kill);
  sched.run();
  start_role();
  CAF_CHECK(claim(s, 0, seg));
  CAF_CHECK_EQUAL(greedy(s), 45);
  CAF_CHECK(!claim(s, 180'000, 184'000));
}

CAF_TEST(ended and unpaid sessions receive nothing) {
  wallet->balances["bob"] = price; // minute 0 only
  auto s = started("bob", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  auto unpaid = play(s, 0, 60);
  CAF_REQUIRE_EQUAL(unpaid.state, "payment_required");
  auto refused = claim(s, 0, seg);
  CAF_REQUIRE(!refused);
  CAF_CHECK_EQUAL(machine_code(refused.error()), "payment_required");
  CAF_REQUIRE(call<session_view>(end_atom::value, s.id, s.viewer_id));
  auto gone = claim(s, 0, seg);
  CAF_REQUIRE(!gone);
  CAF_CHECK(gone.error() == errc::gone);
  auto unknown = call<span_grant>(claim_atom::value,
                                  claim_request{"nope", 0, seg});
  CAF_REQUIRE(!unknown);
  CAF_CHECK(unknown.error() == errc::not_found);
  auto empty = claim(started("ann", "paid"), seg, seg);
  CAF_REQUIRE(!empty);
  CAF_CHECK(empty.error() == errc::invalid);
}

CAF_TEST(a free video is granted whole) {
  auto s = started("ann", "free");
  auto all = claim(s, 100'000, 104'000);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->begin_ms, 0);
  CAF_CHECK_EQUAL(all->end_ms, 600'000);
}

CAF_TEST_FIXTURE_SCOPE_END()
