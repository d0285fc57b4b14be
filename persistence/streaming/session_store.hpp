#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace streamify::persistence {

// One viewing session as streamify_streaming keeps it. Video facts (owner,
// title, duration, price) and the platform fee are copied at start.
struct session_row {
  std::string id;
  std::string viewer_id;
  std::string video_id;
  std::string owner_id;
  std::string title;
  int64_t duration_ms = 0;
  int64_t price_cents = 0;
  int64_t fee_bps = 0;
  std::string state = "active"; // active, payment_required, ended
  std::string end_reason;       // viewer, timeout, video_deleted
  int64_t started_at_ms = 0;
  int64_t ended_at_ms = 0; // 0 while live
  int64_t minutes_paid = 0;
  int64_t charged_cents = 0;
  int64_t billed_ms = 0;
  int64_t position_ms = 0;
  bool playing = false;
  int64_t last_heartbeat_ms = 0;
  int64_t last_seq = -1;
  int64_t balance_cents = 0;
  bool view_counted = false;
  std::string delivered; // the paid window's spans, span_set::encode()
};

// Keyset position in a viewer's history: sessions started before this one.
struct history_cursor {
  int64_t started_at_ms = 0;
  std::string id;
};

// Where the streaming role keeps its sessions. The PostgreSQL repository
// serves nodes; the in-memory store serves actor tests.
class session_store {
public:
  virtual ~session_store() = default;

  // Inserts or overwrites the row with this id.
  virtual void save(const session_row& row) = 0;
  virtual std::optional<session_row> find(const std::string& id) = 0;
  // Sessions not ended yet (for the start-up resume and sweep).
  virtual std::vector<session_row> live() = 0;
  // A viewer's sessions, newest first.
  virtual std::vector<session_row>
  by_viewer(const std::string& viewer_id, int64_t limit,
            const std::optional<history_cursor>& before) = 0;
  virtual void ping() = 0;
};

} // namespace streamify::persistence
