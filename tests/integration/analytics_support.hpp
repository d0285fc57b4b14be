#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/test_node.hpp"

// The analytics scenario over HTTP, for one node or a cluster's gateway: a
// creator with a paid and a free video, two viewers and an admin play known
// sessions, and every number of the dashboards is checked against what the
// streaming database says was played and what the ledger holds.
namespace streamify::test {

struct analytics_cast {
  std::string creator; // tokens
  std::string creator_id;
  std::string ann;
  std::string bob;
  std::string admin;
  std::string paid; // video ids
  std::string free_video;
};

// The creator, a paid video (10 cents a minute, 20 s) and a free 3 s clip.
void add_creator(test_node& node, analytics_cast& cast);
// Two viewers with 1000 cents each, and an admin.
void add_viewers(test_node& node, const test_databases& dbs,
                 analytics_cast& cast);
// Five sessions: ann plays 5 s and 1 s of the paid video, bob 3 s of it and
// 5 s of the free clip (held at 2 s), the creator 2 s of their own; returns
// once every session's end is stored.
void play_sessions(test_node& node, const test_databases& dbs,
                   const analytics_cast& cast);
// Waits (up to `limit`) until the creator dashboard, the paid video's stats
// and the platform totals show what was played, then checks every number.
void check_dashboards(test_node& node, const test_databases& dbs,
                      const analytics_cast& cast,
                      std::chrono::milliseconds limit);

// One session: heartbeats a second apart at positions 0..last_s (held at
// hold_s once there), then end. Returns its id.
std::string play(test_node& node, const std::string& token,
                 const std::string& video, int last_s, int hold_s = 1 << 20);
// The first column of a query's first row as a number (0 when empty).
int64_t number(const test_databases& dbs, const std::string& domain,
               const std::string& sql);
// Waits until every session's final numbers are in the streaming database
// (the end of a session is stored after its answer).
void all_stored(const test_databases& dbs);
std::string today();
std::string in_list(const std::string& id);
// Polls `path` until `done` holds for its 200 body (dashboards lag), or
// `limit` passes; returns the last body.
nlohmann::json settled(test_node& node, const std::string& path,
                       const std::string& token,
                       const std::function<bool(const nlohmann::json&)>& done,
                       std::chrono::milliseconds limit
                       = std::chrono::seconds(20));

} // namespace streamify::test
