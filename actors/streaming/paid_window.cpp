#include "actors/streaming/paid_window.hpp"

#include <algorithm>
#include <limits>

namespace streamify::streaming {

bool span_set::covers(const time_span& s) const {
  auto a = around(s.begin_ms);
  return a.begin_ms <= s.begin_ms && s.end_ms <= a.end_ms && a.length() > 0;
}

int64_t span_set::missing_ms(const time_span& s) const {
  int64_t covered = 0;
  for (const auto& x : spans_) {
    if (x.begin_ms >= s.end_ms)
      break;
    auto lo = std::max(x.begin_ms, s.begin_ms);
    auto hi = std::min(x.end_ms, s.end_ms);
    if (hi > lo)
      covered += hi - lo;
  }
  return s.length() - covered;
}

int64_t span_set::total_ms() const {
  int64_t total = 0;
  for (const auto& x : spans_)
    total += x.length();
  return total;
}

void span_set::add(const time_span& s) {
  if (s.length() <= 0)
    return;
  auto first = std::lower_bound(spans_.begin(), spans_.end(), s.begin_ms,
                                [](const time_span& x, int64_t at) {
                                  return x.end_ms < at;
                                });
  auto last = first;
  time_span merged = s;
  while (last != spans_.end() && last->begin_ms <= s.end_ms) {
    merged.begin_ms = std::min(merged.begin_ms, last->begin_ms);
    merged.end_ms = std::max(merged.end_ms, last->end_ms);
    ++last;
  }
  auto at = spans_.erase(first, last);
  spans_.insert(at, merged);
}

time_span span_set::around(int64_t at_ms) const {
  auto i = std::upper_bound(spans_.begin(), spans_.end(), at_ms,
                            [](int64_t at, const time_span& x) {
                              return at < x.end_ms;
                            });
  if (i != spans_.end() && i->begin_ms <= at_ms)
    return *i;
  return {at_ms, at_ms};
}

std::string span_set::encode() const {
  std::string out;
  for (const auto& x : spans_) {
    if (!out.empty())
      out += ',';
    out += std::to_string(x.begin_ms) + '-' + std::to_string(x.end_ms);
  }
  return out;
}

namespace {

// A decimal number of at most 15 digits at `pos` as encode writes it (no
// leading zero), advancing it.
std::optional<int64_t> number_at(const std::string& text, size_t& pos) {
  int64_t value = 0;
  size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9'
         && pos - start < 15)
    value = value * 10 + (text[pos++] - '0');
  if (pos == start || (text[start] == '0' && pos - start > 1))
    return std::nullopt;
  return value;
}

} // namespace

std::optional<span_set> span_set::decode(const std::string& text) {
  span_set out;
  size_t pos = 0;
  while (pos < text.size()) {
    if (!out.spans_.empty() && text[pos++] != ',')
      return std::nullopt;
    auto b = number_at(text, pos);
    if (!b || pos >= text.size() || text[pos++] != '-')
      return std::nullopt;
    auto e = number_at(text, pos);
    if (!e || *e <= *b
        || (!out.spans_.empty() && *b <= out.spans_.back().end_ms))
      return std::nullopt;
    out.spans_.push_back({*b, *e});
  }
  return out;
}

int64_t allowance_ms(int64_t minutes_paid, const window_params& params) {
  return minutes_paid * params.minute_ms * params.rate_permille / 1000
         + params.lookahead_ms;
}

paid_window::paid_window(window_params params, int64_t duration_ms,
                         span_set delivered)
  : params_(params), duration_ms_(duration_ms),
    delivered_(std::move(delivered)) {
}

std::optional<time_span> paid_window::claim(const time_span& s,
                                            int64_t minutes_paid) {
  auto budget = allowance_ms(minutes_paid, params_) - delivered_.total_ms();
  auto missing = delivered_.missing_ms(s);
  if (missing > budget)
    return std::nullopt;
  delivered_.add(s);
  grant_ahead(s.end_ms, budget - missing);
  return delivered_.around(s.begin_ms);
}

// Walks forward from `from_ms`, skipping what was delivered and adding what
// was not while the budget lasts.
void paid_window::grant_ahead(int64_t from_ms, int64_t budget_ms) {
  auto limit = from_ms + params_.grant_ahead_ms;
  if (duration_ms_ > 0)
    limit = std::min(limit, std::max(duration_ms_, from_ms));
  auto at = from_ms;
  while (at < limit && budget_ms > 0) {
    auto here = delivered_.around(at);
    if (here.length() > 0) {
      at = here.end_ms;
      continue;
    }
    auto next = std::numeric_limits<int64_t>::max();
    for (const auto& x : delivered_.spans())
      if (x.begin_ms > at) {
        next = x.begin_ms;
        break;
      }
    auto take = std::min({next, limit, at + budget_ms}) - at;
    delivered_.add({at, at + take});
    budget_ms -= take;
    at += take;
  }
}

} // namespace streamify::streaming
