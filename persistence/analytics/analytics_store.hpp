#pragma once

#include <cstdint>
#include <string>
#include <vector>

// What the analytics role keeps: money from the billing outbox,
// activity reported by the other roles, and the reports read from them.
// Days are UTC days since 1970-01-01.
namespace streamify::persistence {

constexpr int64_t ms_per_day = 86'400'000;

inline int64_t day_of(int64_t epoch_ms) {
  return epoch_ms >= 0 ? epoch_ms / ms_per_day
                       : -((-epoch_ms + ms_per_day - 1) / ms_per_day);
}

// One billing outbox row: a deposit, a charge or a refund.
struct money_event {
  std::string transaction_id;
  std::string kind;
  std::string user_id;
  std::string creator_id;
  std::string session_id;
  std::string video_id;
  int64_t minute_index = -1;
  int64_t amount_cents = 0;
  int64_t creator_cents = 0;
  int64_t fee_cents = 0;
  int64_t at_ms = 0;
};

// A charge of minute 0 is a view: billing charges only viewers who are not
// the owner, and minute 0 is what starts a paid session.
inline bool is_paid_view(const money_event& m) {
  return m.kind == "charge" && m.minute_index == 0;
}

// What another role reports. `id` names the user, video or session, so a
// resent event changes nothing. Kinds:
// - "user": role (sent on sign-up and sign-in).
// - "video": owner_id, title, duration_ms; `gone` once deleted.
// - "session" / "position": video_id, viewer_id, owner_id, title,
//   duration_ms, at_ms (the start), billed_ms, position_ms, view_counted,
//   gone (ended). A "position" sample may be dropped; a "session" event
//   never is, and also makes its video known.
struct activity_event {
  std::string kind;
  std::string id;
  std::string video_id;
  std::string viewer_id;
  std::string owner_id;
  std::string title;
  std::string role;
  int64_t at_ms = 0;
  int64_t duration_ms = 0;
  int64_t billed_ms = 0;
  int64_t position_ms = 0;
  bool view_counted = false;
  bool gone = false;
};

// Applied in one transaction, together with the outbox cursor to resume
// from (empty: the cursor stays).
struct analytics_batch {
  std::vector<money_event> money;
  std::vector<activity_event> activity;
  std::string outbox_cursor;
};

struct day_range {
  int64_t from_day = 0;
  int64_t to_day = 0; // inclusive
};

struct activity_totals {
  int64_t views = 0;
  int64_t unique_viewers = 0;
  int64_t watched_ms = 0;
  int64_t revenue_cents = 0; // the creator's net earnings
  int64_t fee_cents = 0;
};

struct day_totals {
  int64_t day = 0;
  activity_totals totals;
};

struct video_totals {
  std::string video_id;
  std::string title;
  activity_totals totals;
};

// Days without activity are left out; the role fills them in.
struct creator_report {
  activity_totals totals;
  std::vector<day_totals> per_day;
  std::vector<video_totals> per_video;
};

// `retention[k]` (k = 0..9): sessions of viewers other than the owner,
// started in the range, whose furthest position reached k tenths of the
// duration; retention[0] counts them all.
struct video_report {
  activity_totals totals;
  std::vector<day_totals> per_day;
  std::vector<int64_t> retention;
};

constexpr int retention_points = 10;

inline bool reached_tenth(int64_t max_position_ms, int64_t duration_ms,
                          int tenth) {
  return duration_ms > 0 && max_position_ms * retention_points
                              >= tenth * duration_ms;
}

struct platform_report {
  int64_t viewers = 0;
  int64_t creators = 0;
  int64_t admins = 0;
  int64_t videos = 0;
  int64_t sessions = 0;
  int64_t watched_ms = 0;
  int64_t deposits_cents = 0;
  int64_t revenue_cents = 0; // what viewers paid, net of refunds
  int64_t fee_cents = 0;
};

// The PostgreSQL repository serves nodes; the in-memory store serves actor
// tests. Every call is one transaction.
class analytics_store {
public:
  virtual ~analytics_store() = default;
  virtual std::string outbox_cursor() = 0;
  virtual void apply(const analytics_batch& batch) = 0;
  virtual creator_report creator(const std::string& creator_id,
                                 day_range range) = 0;
  virtual video_report video(const std::string& video_id, day_range range) = 0;
  virtual platform_report platform() = 0;
  virtual void ping() = 0;
};

} // namespace streamify::persistence
