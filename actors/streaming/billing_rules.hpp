#pragma once

#include <cstdint>
#include <optional>
#include <string>

// The billing arithmetic of one viewing session, free of actors so
// every rule is unit-tested on its own. Times are milliseconds.
namespace streamify::streaming {

struct billing_params {
  int64_t minute_ms = 60'000;
  int64_t heartbeat_interval_ms = 10'000;
  int64_t idle_timeout_ms = 30'000;
};

enum class session_state { active, payment_required, ended };

std::string to_string(session_state state);
std::optional<session_state> parse_session_state(const std::string& text);

struct heartbeat {
  int64_t position_ms = 0;
  bool playing = false;
  std::optional<int64_t> seq;
};

struct billing_state {
  session_state state = session_state::active;
  bool charges = true;          // false for free videos and the owner
  bool billing_stalled = false; // the last charge got no answer from billing
  int64_t duration_ms = 0;      // 0: unknown, no end-of-video rule
  int64_t minutes_paid = 0;
  int64_t billed_ms = 0;
  int64_t position_ms = 0;
  bool playing = false;
  int64_t last_heartbeat_ms = 0;
  int64_t last_seq = -1;
};

// The longest gap between two heartbeats that still counts: 1.5 × interval.
int64_t max_gap_ms(const billing_params& params);

// A heartbeat whose seq is not above the last one changes nothing.
bool is_stale(const billing_state& s, const heartbeat& hb);

// Adds the play time since the previous heartbeat (capped) when that one said
// playing, the session is active, billing is not stalled and the player was
// not at the end of the video; then records the heartbeat. Returns the
// milliseconds added.
int64_t apply_heartbeat(billing_state& s, const heartbeat& hb, int64_t now_ms,
                        const billing_params& params);

// The minute index to charge next, when billed time has reached it.
std::optional<int64_t> due_minute(const billing_state& s,
                                  const billing_params& params);

// Outcomes of charging the due minute.
void on_charged(billing_state& s);
void on_insufficient_funds(billing_state& s, const billing_params& params);
void on_billing_unreachable(billing_state& s, const billing_params& params);

// Milliseconds left until the idle timeout (≤ 0: expired).
int64_t idle_left_ms(const billing_state& s, int64_t now_ms,
                     const billing_params& params);

// Whole seconds, rounded down.
int64_t whole_seconds(int64_t ms);

// A free session counts as a view at min(30 s, duration) of billed time.
bool free_view_reached(const billing_state& s);

// Where history offers to resume: the position when it is between 5% and 90%
// of the duration.
std::optional<int64_t> resume_position_ms(int64_t position_ms,
                                          int64_t duration_ms);

} // namespace streamify::streaming
