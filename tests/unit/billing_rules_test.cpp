#define CAF_SUITE billing_rules

#include "actors/streaming/billing_rules.hpp"

#include <caf/test/unit_test.hpp>

#include "actors/streaming/stream_token.hpp"

using namespace streamify::streaming;

namespace {

const billing_params params{60'000, 10'000, 30'000};

billing_state started(int64_t now_ms, int64_t duration_ms = 600'000) {
  billing_state s;
  s.duration_ms = duration_ms;
  s.minutes_paid = 1; // minute 0 is paid at start
  s.last_heartbeat_ms = now_ms;
  return s;
}

heartbeat playing(int64_t position_ms, std::optional<int64_t> seq = {}) {
  return heartbeat{position_ms, true, seq};
}

} // namespace

CAF_TEST(creation counts as a paused heartbeat so the first beat adds nothing) {
  auto s = started(0);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 10'000, params), 0);
  CAF_CHECK_EQUAL(s.billed_ms, 0);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(10'000), 20'000, params), 10'000);
  CAF_CHECK_EQUAL(s.billed_ms, 10'000);
}

CAF_TEST(gaps are capped at one and a half heartbeat intervals) {
  CAF_CHECK_EQUAL(max_gap_ms(params), 15'000);
  auto s = started(0);
  apply_heartbeat(s, playing(0), 0, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 100'000, params), 15'000);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 114'999, params), 14'999);
}

CAF_TEST(pauses and the end of the video accrue nothing) {
  auto s = started(0, 20'000);
  apply_heartbeat(s, heartbeat{0, false, {}}, 0, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 10'000, params), 0);
  apply_heartbeat(s, playing(20'000), 20'000, params);
  CAF_CHECK_EQUAL(s.billed_ms, 10'000);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(20'000), 30'000, params), 0);
  // Seeking back plays (and bills) again: play time, not content.
  apply_heartbeat(s, playing(0), 40'000, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(10'000), 50'000, params), 10'000);
}

CAF_TEST(a clock running backwards adds nothing) {
  auto s = started(50'000);
  apply_heartbeat(s, playing(0), 50'000, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 40'000, params), 0);
  CAF_CHECK_EQUAL(s.last_heartbeat_ms, 50'000);
}

CAF_TEST(minutes fall due in order when billed time reaches them) {
  auto s = started(0);
  CAF_CHECK(!due_minute(s, params));
  s.billed_ms = 59'999;
  CAF_CHECK(!due_minute(s, params));
  s.billed_ms = 60'000;
  CAF_CHECK_EQUAL(due_minute(s, params).value_or(-1), 1);
  on_charged(s);
  CAF_CHECK_EQUAL(s.minutes_paid, 2);
  CAF_CHECK(!due_minute(s, params));
  billing_state fresh;
  CAF_CHECK_EQUAL(due_minute(fresh, params).value_or(-1), 0);
}

CAF_TEST(free sessions and ended sessions never charge) {
  auto s = started(0);
  s.charges = false;
  s.minutes_paid = 0;
  s.billed_ms = 600'000;
  CAF_CHECK(!due_minute(s, params));
  auto e = started(0);
  e.billed_ms = 120'000;
  e.state = session_state::ended;
  CAF_CHECK(!due_minute(e, params));
}

CAF_TEST(insufficient funds freezes billed time until the same minute is paid) {
  auto s = started(0);
  s.billed_ms = 64'000;
  CAF_REQUIRE_EQUAL(due_minute(s, params).value_or(-1), 1);
  on_insufficient_funds(s, params);
  CAF_CHECK(s.state == session_state::payment_required);
  CAF_CHECK_EQUAL(s.billed_ms, 60'000);
  apply_heartbeat(s, playing(0), 10'000, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 20'000, params), 0);
  CAF_CHECK_EQUAL(due_minute(s, params).value_or(-1), 1); // retried on every heartbeat
  on_charged(s);
  CAF_CHECK(s.state == session_state::active);
  CAF_CHECK_EQUAL(s.minutes_paid, 2);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 30'000, params), 10'000);
}

CAF_TEST(an unreachable wallet freezes billed time the same way) {
  auto s = started(0);
  s.billed_ms = 61'000;
  on_billing_unreachable(s, params);
  CAF_CHECK(s.state == session_state::active);
  CAF_CHECK(s.billing_stalled);
  CAF_CHECK_EQUAL(s.billed_ms, 60'000);
  apply_heartbeat(s, playing(0), 10'000, params);
  CAF_CHECK_EQUAL(apply_heartbeat(s, playing(0), 20'000, params), 0);
  CAF_CHECK_EQUAL(due_minute(s, params).value_or(-1), 1);
  on_charged(s);
  CAF_CHECK(!s.billing_stalled);
}

CAF_TEST(stale seqs are recognised and beats without seq always apply) {
  auto s = started(0);
  CAF_CHECK(!is_stale(s, playing(0, 0)));
  apply_heartbeat(s, playing(0, 5), 1'000, params);
  CAF_CHECK(is_stale(s, playing(0, 5)));
  CAF_CHECK(is_stale(s, playing(0, 4)));
  CAF_CHECK(!is_stale(s, playing(0, 6)));
  CAF_CHECK(!is_stale(s, playing(0)));
  apply_heartbeat(s, playing(0), 2'000, params);
  CAF_CHECK_EQUAL(s.last_seq, 5);
}

CAF_TEST(idle time counts from the last heartbeat) {
  auto s = started(1'000);
  CAF_CHECK_EQUAL(idle_left_ms(s, 1'000, params), 30'000);
  CAF_CHECK_EQUAL(idle_left_ms(s, 31'000, params), 0);
  apply_heartbeat(s, playing(0), 20'000, params);
  CAF_CHECK_EQUAL(idle_left_ms(s, 31'000, params), 19'000);
}

CAF_TEST(seconds are whole and rounded down) {
  CAF_CHECK_EQUAL(whole_seconds(0), 0);
  CAF_CHECK_EQUAL(whole_seconds(999), 0);
  CAF_CHECK_EQUAL(whole_seconds(1'000), 1);
  CAF_CHECK_EQUAL(whole_seconds(59'999), 59);
}

CAF_TEST(a free view needs thirty seconds or the whole short video) {
  billing_state s;
  s.charges = false;
  s.duration_ms = 600'000;
  s.billed_ms = 29'999;
  CAF_CHECK(!free_view_reached(s));
  s.billed_ms = 30'000;
  CAF_CHECK(free_view_reached(s));
  s.duration_ms = 12'000;
  s.billed_ms = 12'000;
  CAF_CHECK(free_view_reached(s));
}

CAF_TEST(resume is offered between five and ninety percent) {
  CAF_CHECK(!resume_position_ms(4'999, 100'000));
  CAF_CHECK_EQUAL(resume_position_ms(5'000, 100'000).value_or(-1), 5'000);
  CAF_CHECK_EQUAL(resume_position_ms(90'000, 100'000).value_or(-1), 90'000);
  CAF_CHECK(!resume_position_ms(90'001, 100'000));
  CAF_CHECK(!resume_position_ms(10'000, 0));
}

CAF_TEST(stream tokens are bound to session viewer and expiry) {
  auto t = sign_stream_token("s1", "v1", 1'000, "secret");
  CAF_CHECK(verify_stream_token(t, "s1", "v1", 999, "secret"));
  CAF_CHECK(!verify_stream_token(t, "s1", "v1", 1'000, "secret"));
  CAF_CHECK(!verify_stream_token(t, "s2", "v1", 999, "secret"));
  CAF_CHECK(!verify_stream_token(t, "s1", "v2", 999, "secret"));
  CAF_CHECK(!verify_stream_token(t, "s1", "v1", 999, "other"));
  CAF_CHECK(!verify_stream_token("2000" + t.substr(4), "s1", "v1", 999,
                                 "secret"));
  auto url = stream_url("s1", "v1", 100, "secret");
  CAF_CHECK_EQUAL(url.rfind("/api/sessions/s1/stream?st=700.", 0), 0u);
}
