#include "actors/streaming/billing_rules.hpp"

#include <algorithm>

namespace streamify::streaming {

std::string to_string(session_state state) {
  switch (state) {
    case session_state::active: return "active";
    case session_state::payment_required: return "payment_required";
    case session_state::ended: return "ended";
  }
  return "ended";
}

std::optional<session_state> parse_session_state(const std::string& text) {
  for (auto s : {session_state::active, session_state::payment_required,
                 session_state::ended})
    if (to_string(s) == text)
      return s;
  return std::nullopt;
}

int64_t max_gap_ms(const billing_params& params) {
  return params.heartbeat_interval_ms * 3 / 2;
}

bool is_stale(const billing_state& s, const heartbeat& hb) {
  return hb.seq && *hb.seq <= s.last_seq;
}

namespace {

bool at_end(const billing_state& s) {
  return s.duration_ms > 0 && s.position_ms >= s.duration_ms;
}

} // namespace

int64_t apply_heartbeat(billing_state& s, const heartbeat& hb, int64_t now_ms,
                        const billing_params& params) {
  int64_t added = 0;
  if (s.playing && s.state == session_state::active && !s.billing_stalled
      && !at_end(s)) {
    added = std::clamp<int64_t>(now_ms - s.last_heartbeat_ms, 0,
                                max_gap_ms(params));
    s.billed_ms += added;
  }
  s.position_ms = std::max<int64_t>(0, hb.position_ms);
  s.playing = hb.playing;
  s.last_heartbeat_ms = std::max(s.last_heartbeat_ms, now_ms);
  if (hb.seq)
    s.last_seq = *hb.seq;
  return added;
}

std::optional<int64_t> due_minute(const billing_state& s,
                                  const billing_params& params) {
  if (!s.charges || s.state == session_state::ended)
    return std::nullopt;
  if (s.billed_ms >= s.minutes_paid * params.minute_ms)
    return s.minutes_paid;
  return std::nullopt;
}

void on_charged(billing_state& s) {
  ++s.minutes_paid;
  s.billing_stalled = false;
  if (s.state == session_state::payment_required)
    s.state = session_state::active;
}

namespace {

void freeze(billing_state& s, const billing_params& params) {
  s.billed_ms = std::min(s.billed_ms, s.minutes_paid * params.minute_ms);
}

} // namespace

void on_insufficient_funds(billing_state& s, const billing_params& params) {
  s.state = session_state::payment_required;
  s.billing_stalled = false;
  freeze(s, params);
}

void on_billing_unreachable(billing_state& s, const billing_params& params) {
  s.billing_stalled = true;
  freeze(s, params);
}

int64_t idle_left_ms(const billing_state& s, int64_t now_ms,
                     const billing_params& params) {
  return s.last_heartbeat_ms + params.idle_timeout_ms - now_ms;
}

int64_t whole_seconds(int64_t ms) {
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

bool free_view_reached(const billing_state& s) {
  int64_t threshold = 30'000;
  if (s.duration_ms > 0)
    threshold = std::min(threshold, s.duration_ms);
  return s.billed_ms >= threshold;
}

std::optional<int64_t> resume_position_ms(int64_t position_ms,
                                          int64_t duration_ms) {
  if (duration_ms <= 0)
    return std::nullopt;
  if (position_ms * 100 >= duration_ms * 5
      && position_ms * 100 <= duration_ms * 90)
    return position_ms;
  return std::nullopt;
}

} // namespace streamify::streaming
