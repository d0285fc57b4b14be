#define CAF_SUITE paid_window

#include "actors/streaming/paid_window.hpp"

#include <caf/test/unit_test.hpp>

using namespace streamify::streaming;

namespace {

// A 10-minute video in 4 s segments; rate 2.0, lookahead 60 s.
constexpr int64_t video_ms = 600'000;
constexpr int64_t seg = 4'000;

window_params params(int64_t grant_ahead_ms = 0) {
  return window_params{60'000, 2'000, 60'000, grant_ahead_ms};
}

time_span segment(int64_t k) {
  return {k * seg, (k + 1) * seg};
}

// A claim that must be granted: what it granted.
time_span granted(paid_window& w, const time_span& s, int64_t minutes_paid) {
  auto g = w.claim(s, minutes_paid);
  CAF_REQUIRE(g);
  return *g;
}

// Claims every segment in order, as a greedy client would; returns how many
// were granted.
int64_t greedy(paid_window& w, int64_t minutes_paid) {
  int64_t count = 0;
  for (int64_t k = 0; k * seg < video_ms; ++k)
    count += w.claim(segment(k), minutes_paid) ? 1 : 0;
  return count;
}

} // namespace

CAF_TEST(the allowance is paid minutes times rate plus lookahead) {
  CAF_CHECK_EQUAL(allowance_ms(0, params()), 60'000);
  CAF_CHECK_EQUAL(allowance_ms(1, params()), 180'000);
  CAF_CHECK_EQUAL(allowance_ms(3, params()), 420'000);
  window_params slow{60'000, 1'250, 0, 0};
  CAF_CHECK_EQUAL(allowance_ms(2, slow), 150'000);
}

CAF_TEST(a greedy client gets the distinct seconds of the window and no more) {
  paid_window w{params(), video_ms, {}};
  CAF_CHECK_EQUAL(greedy(w, 1), 45); // 180 s of 4 s segments
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 180'000);
  CAF_CHECK(!w.claim(segment(45), 1));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 180'000);
  CAF_CHECK_EQUAL(greedy(w, 2), 75); // the 45 again, free, and 30 more
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 300'000);
}

CAF_TEST(refetching in another rendition or seeking back is free) {
  paid_window w{params(), video_ms, {}};
  for (int64_t k = 0; k < 10; ++k)
    CAF_REQUIRE(w.claim(segment(k), 1));
  auto before = w.delivered().total_ms();
  for (int rendition = 0; rendition < 3; ++rendition)
    for (int64_t k = 0; k < 10; ++k)
      CAF_CHECK(w.claim(segment(k), 1));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), before);
}

CAF_TEST(a delivered span is granted even when the window is full) {
  paid_window w{params(), video_ms, {}};
  greedy(w, 1);
  CAF_CHECK_EQUAL(granted(w, segment(3), 1), (time_span{0, 180'000}));
}

CAF_TEST(a segment that does not fit whole is refused) {
  window_params p{60'000, 2'000, 2'000, 0}; // minute 0 paid: 122 s
  paid_window w{p, video_ms, {}};
  for (int64_t k = 0; k < 30; ++k)
    CAF_REQUIRE(w.claim(segment(k), 1));
  CAF_CHECK(!w.claim(segment(30), 1)); // 2 s left, the segment is 4 s
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 120'000);
  CAF_CHECK(w.claim({120'000, 122'000}, 1));
  CAF_CHECK(!w.claim({122'000, 122'001}, 1));
}

CAF_TEST(a seek spends the window on the spans it reaches) {
  paid_window w{params(), video_ms, {}};
  CAF_CHECK(w.claim(segment(0), 1));
  CAF_CHECK(w.claim(segment(100), 1));
  CAF_CHECK_EQUAL(w.delivered().spans().size(), 2u);
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 2 * seg);
  CAF_CHECK_EQUAL(w.delivered().missing_ms({0, 404'000}), 404'000 - 2 * seg);
}

CAF_TEST(grant ahead extends the claim as far as it fits) {
  paid_window w{params(16'000), video_ms, {}};
  CAF_CHECK_EQUAL(granted(w, segment(0), 1), (time_span{0, 20'000}));
  // Every grant reaches 16 s past the claimed span.
  CAF_CHECK_EQUAL(granted(w, segment(3), 1), (time_span{0, 32'000}));
  CAF_CHECK_EQUAL(granted(w, segment(8), 1), (time_span{0, 52'000}));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 52'000);
}

CAF_TEST(grant ahead skips what was delivered and stops at the window) {
  paid_window w{params(16'000), video_ms, {}};
  CAF_REQUIRE(w.claim(segment(2), 0)); // [8, 28) of a 60 s allowance
  // Ahead of [0, 4) only the gap up to 8 s is new.
  CAF_CHECK_EQUAL(granted(w, segment(0), 0), (time_span{0, 28'000}));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 28'000);
  CAF_CHECK_EQUAL(granted(w, segment(10), 0), (time_span{40'000, 60'000}));
  // 12 s left: [28, 32) and 8 s ahead fill the gap to 40 s.
  CAF_CHECK_EQUAL(granted(w, segment(7), 0), (time_span{0, 60'000}));
  CAF_CHECK(!w.claim(segment(15), 0));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 60'000);
}

CAF_TEST(grant ahead stops at the end of the video) {
  paid_window w{params(16'000), 10'000, {}};
  CAF_CHECK_EQUAL(granted(w, {8'000, 10'000}, 1), (time_span{8'000, 10'000}));
  CAF_CHECK_EQUAL(w.delivered().total_ms(), 2'000);
}

CAF_TEST(spans merge and the encoding round trips) {
  span_set s;
  s.add({10, 20});
  s.add({30, 40});
  s.add({20, 30});
  s.add({100, 200});
  s.add({5, 12});
  CAF_CHECK_EQUAL(s.encode(), "5-40,100-200");
  CAF_CHECK_EQUAL(s.total_ms(), 135);
  CAF_CHECK(s.covers({5, 40}));
  CAF_CHECK(!s.covers({39, 41}));
  CAF_CHECK_EQUAL(s.around(40), (time_span{40, 40}));
  auto back = span_set::decode(s.encode());
  CAF_REQUIRE(back);
  CAF_CHECK_EQUAL(back->encode(), "5-40,100-200");
  CAF_CHECK(span_set::decode("") && span_set::decode("")->total_ms() == 0);
  for (auto bad : {"5", "5-", "-5", "5-5", "9-3", "1-4,3-8", "1-4,,5-6",
                   "1-4;5-6", "1-4,", "a-b", "1-9999999999999999",
                   "00-20", "0-020"}) {
    CAF_MESSAGE("decoding " << bad);
    CAF_CHECK(!span_set::decode(bad));
  }
}
