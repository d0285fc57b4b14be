#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The paid-window rule of one viewing session, free of actors: which time
// spans of the video (milliseconds) the session has received and whether it
// may receive another. Renditions share one time line, so a span counts once
// whichever rendition or delivery path carried it.
namespace streamify::streaming {

struct window_params {
  int64_t minute_ms = 60'000;
  int64_t rate_permille = 2'000;  // the fastest playback allowed, x 1000
  int64_t lookahead_ms = 60'000;  // on top of what the paid minutes cover
  int64_t grant_ahead_ms = 16'000; // granted past a claimed span when it fits
};

// [begin_ms, end_ms)
struct time_span {
  int64_t begin_ms = 0;
  int64_t end_ms = 0;

  int64_t length() const { return end_ms - begin_ms; }
  friend bool operator==(const time_span& x, const time_span& y) {
    return x.begin_ms == y.begin_ms && x.end_ms == y.end_ms;
  }
};

// Disjoint spans in order; touching spans are merged.
class span_set {
public:
  bool covers(const time_span& s) const;
  // Milliseconds of `s` outside the set.
  int64_t missing_ms(const time_span& s) const;
  int64_t total_ms() const;
  void add(const time_span& s);
  // The set's span containing `at_ms`, or an empty span at it.
  time_span around(int64_t at_ms) const;
  const std::vector<time_span>& spans() const { return spans_; }

  // "b-e,b-e,..." in milliseconds; empty for an empty set.
  std::string encode() const;
  // The inverse of encode; nullopt for anything it could not have written.
  static std::optional<span_set> decode(const std::string& text);

private:
  std::vector<time_span> spans_;
};

// Distinct milliseconds a session with `minutes_paid` minutes may receive:
// minutes_paid x minute x rate + lookahead.
int64_t allowance_ms(int64_t minutes_paid, const window_params& params);

class paid_window {
public:
  paid_window() = default;
  paid_window(window_params params, int64_t duration_ms, span_set delivered);

  // Grants `s` when it was delivered already or its new milliseconds keep the
  // total within the allowance (whole or not at all), then grants ahead the
  // longest forward extension that still fits, at most grant_ahead_ms and
  // not past the video's end (when known). Returns the delivered span that
  // contains `s` afterwards; nullopt (and nothing changes) when `s` does not
  // fit.
  std::optional<time_span> claim(const time_span& s, int64_t minutes_paid);

  const span_set& delivered() const { return delivered_; }

private:
  void grant_ahead(int64_t from_ms, int64_t budget_ms);

  window_params params_;
  int64_t duration_ms_ = 0;
  span_set delivered_;
};

} // namespace streamify::streaming
