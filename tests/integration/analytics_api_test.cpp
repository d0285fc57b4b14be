// Analytics over HTTP with a real node and PostgreSQL and a 2 s minute:
// viewers play sessions, and every number of the dashboards is checked
// against what the streaming database says was played and what the ledger
// holds, also after an analytics outage.
#define CAF_SUITE analytics_api

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include <caf/test/unit_test.hpp>
#include <unistd.h>

#include "actors/analytics/day_rules.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

const std::vector<std::string> short_minutes{
  "--billing.minute-seconds=2", "--streaming.heartbeat-interval=1",
  "--streaming.idle-timeout=3", "--billing.platform-fee-bps=2000",
  "--analytics.poll-interval-ms=200"};

std::vector<std::string> node_args(const std::string& roles = "all") {
  auto args = short_minutes;
  args.push_back("--roles=" + roles);
  return args;
}

// A 3 s clip, so a free view (min(30 s, duration) of billed time) is quick.
const std::string& short_clip() {
  static const std::string path = [] {
    std::string p = "/tmp/streamify-analytics-test-"
                    + std::to_string(::getpid()) + ".mp4";
    std::string cmd = "ffmpeg -loglevel error -y -f lavfi -i "
                      "testsrc=duration=3:size=160x120:rate=10 -pix_fmt "
                      "yuv420p "
                      + p;
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("ffmpeg could not make a short clip");
    return p;
  }();
  return path;
}

// One session: heartbeats a second apart at positions 0..last_s (held at
// hold_s once there), then end.
std::string play(test_node& node, const std::string& token,
                 const std::string& video, int last_s, int hold_s = 1 << 20) {
  auto s = node.post("/api/sessions", {{"video_id", video}}, token);
  CAF_REQUIRE_EQUAL(s.status, 201);
  auto id = s.body["id"].get<std::string>();
  for (int i = 0; i <= last_s; ++i) {
    if (i > 0)
      sleep_ms(1'000);
    CAF_REQUIRE_EQUAL(beat(node, token, id, std::min(i, hold_s), true, i)
                        .status,
                      200);
  }
  CAF_REQUIRE_EQUAL(
    node.post("/api/sessions/" + id + "/end", json::object(), token).status,
    200);
  return id;
}

int64_t number(const test_databases& dbs, const std::string& domain,
               const std::string& sql) {
  auto text = dbs.query(domain, sql);
  return text.empty() ? 0 : std::stoll(text);
}

// The end of a session is stored after its answer: waits until every
// session's final numbers are in the streaming database.
void all_stored(const test_databases& dbs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (number(dbs, "streaming",
                "SELECT count(*) FROM sessions WHERE state <> 'ended'")
         > 0) {
    CAF_REQUIRE(std::chrono::steady_clock::now() < deadline);
    sleep_ms(20);
  }
}

std::string today() {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  return streamify::analytics::format_day(streamify::persistence::day_of(now_ms));
}

// Polls `path` until `done` holds for its 200 body (dashboards lag by up to
// a poll interval), then returns the last body.
json settled(test_node& node, const std::string& path, const std::string& token,
             const std::function<bool(const json&)>& done) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds(20);
  http_reply r;
  do {
    r = node.get(path, token);
    if (r.status == 200 && done(r.body)) {
      CAF_MESSAGE(path << " settled after "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count()
                       << " ms");
      return r.body;
    }
    sleep_ms(20);
  } while (std::chrono::steady_clock::now() < deadline);
  CAF_MESSAGE("last answer of " << path << ": " << r.status << " " << r.raw);
  return r.body;
}

std::string in_list(const std::string& id) {
  return "'" + id + "'";
}

} // namespace

CAF_TEST(dashboards count what was played and match the ledger) {
  test_databases dbs;
  test_node node{dbs, node_args()};
  auto admin = token_of(make_admin(node, dbs));
  auto creator_account = sign_up(node, "creator");
  auto creator = token_of(creator_account);
  auto creator_id = creator_account["user"]["id"].get<std::string>();
  auto ann = token_of(sign_up(node));
  auto bob = token_of(sign_up(node));
  auto paid = upload(node, creator, 10);
  auto free_video = upload(node, creator, 0, short_clip());
  deposit(node, ann, 1'000);
  deposit(node, bob, 1'000);

  play(node, ann, paid, 5);
  play(node, ann, paid, 1);
  play(node, bob, paid, 3);
  // Short of the clip's end, so play time keeps counting to the free view.
  play(node, bob, free_video, 5, 2);
  play(node, creator, paid, 2); // the owner's own session is no view
  all_stored(dbs);

  auto of_creator = " FROM sessions WHERE owner_id = " + in_list(creator_id)
                    + " AND viewer_id <> owner_id";
  auto views = number(dbs, "streaming", "SELECT count(*)" + of_creator
                                          + " AND view_counted");
  CAF_CHECK_EQUAL(views, 4);
  auto watched = number(dbs, "streaming", "SELECT sum(billed_ms)" + of_creator);
  auto earned = node.get("/api/wallet", creator).body["earned_cents"]
                  .get<int64_t>();
  auto minutes_paid = number(dbs, "streaming",
                             "SELECT sum(minutes_paid)" + of_creator);
  CAF_CHECK_EQUAL(earned, minutes_paid * 8); // 20% fee of 10 cents
  auto day = today();
  auto range = "?from=" + day + "&to=" + day;

  auto dash = settled(node, "/api/analytics/creator" + range, creator,
                      [&](const json& b) {
                        return b["totals"]["revenue_cents"] == earned
                               && b["totals"]["views"] == views
                               && b["totals"]["watched_ms"] == watched;
                      });
  CAF_CHECK_EQUAL(dash["totals"]["views"], views);
  CAF_CHECK_EQUAL(dash["totals"]["unique_viewers"], 2);
  CAF_CHECK_EQUAL(dash["totals"]["watched_ms"], watched);
  CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], earned);
  CAF_CHECK_EQUAL(dash["totals"]["platform_fee_cents"], minutes_paid * 2);
  CAF_REQUIRE_EQUAL(dash["per_day"].size(), 1u);
  CAF_CHECK_EQUAL(dash["per_day"][0]["day"], day);
  CAF_CHECK_EQUAL(dash["per_day"][0]["views"], views);
  CAF_CHECK_EQUAL(dash["per_day"][0]["revenue_cents"], earned);
  CAF_REQUIRE_EQUAL(dash["per_video"].size(), 2u);
  for (const auto& v : dash["per_video"]) {
    auto id = v["video_id"].get<std::string>();
    auto of_video = of_creator + " AND video_id = " + in_list(id);
    CAF_CHECK_EQUAL(v["title"], "Session test");
    CAF_CHECK_EQUAL(v["views"], id == paid ? 3 : 1);
    CAF_CHECK_EQUAL(v["unique_viewers"], id == paid ? 2 : 1);
    CAF_CHECK_EQUAL(v["watched_ms"],
                    number(dbs, "streaming", "SELECT sum(billed_ms)" + of_video));
    CAF_CHECK_EQUAL(v["revenue_cents"],
                    id == paid ? earned : 0);
  }

  auto stats = node.get("/api/analytics/videos/" + paid + range, creator);
  CAF_REQUIRE_EQUAL(stats.status, 200);
  CAF_CHECK_EQUAL(stats.body["totals"]["views"], 3);
  CAF_CHECK_EQUAL(stats.body["totals"]["revenue_cents"], earned);
  CAF_CHECK_EQUAL(stats.body["sessions"], 3);
  auto duration = number(dbs, "streaming",
                         "SELECT max(duration_ms) FROM sessions WHERE video_id = "
                           + in_list(paid));
  CAF_REQUIRE_EQUAL(stats.body["retention"].size(), 10u);
  for (int k = 0; k < 10; ++k) {
    int reached = 0;
    for (int64_t last_s : {5, 1, 3})
      reached += last_s * 1000 * 10 >= k * duration;
    CAF_CHECK_EQUAL(stats.body["retention"][k].get<double>(),
                    static_cast<double>(reached * 10'000 / 3) / 10'000.0);
  }
  auto free_stats = node.get("/api/analytics/videos/" + free_video, creator);
  CAF_REQUIRE_EQUAL(free_stats.status, 200);
  auto free_duration = number(dbs, "streaming",
                              "SELECT max(duration_ms) FROM sessions WHERE"
                              " video_id = " + in_list(free_video));
  for (int k = 0; k < 10; ++k)
    CAF_CHECK_EQUAL(free_stats.body["retention"][k],
                    2'000 * 10 >= k * free_duration ? 1.0 : 0.0);
  CAF_CHECK_EQUAL(free_stats.body["per_day"].size(), 30u); // default range

  auto gross = number(dbs, "streaming",
                      "SELECT sum(charged_cents) FROM sessions");
  auto all_sessions = number(dbs, "streaming", "SELECT count(*) FROM sessions");
  auto all_watched = number(dbs, "streaming",
                            "SELECT sum(billed_ms) FROM sessions");
  // Money comes from the outbox, play time from the sessions' own events:
  // both must have arrived.
  auto platform = settled(node, "/api/analytics/platform", admin,
                          [&](const json& b) {
                            return b["revenue_cents"] == gross
                                   && b["users"]["admin"] == 1
                                   && b["sessions"] == all_sessions
                                   && b["watched_ms"] == all_watched;
                          });
  CAF_CHECK_EQUAL(platform["users"],
                  json({{"viewer", 2}, {"creator", 1}, {"admin", 1}}));
  CAF_CHECK_EQUAL(platform["videos"], 2);
  CAF_CHECK_EQUAL(platform["sessions"], all_sessions);
  CAF_CHECK_EQUAL(platform["watched_ms"], all_watched);
  CAF_CHECK_EQUAL(platform["deposits_cents"], 2'000);
  CAF_CHECK_EQUAL(platform["revenue_cents"], gross);
  CAF_CHECK_EQUAL(platform["platform_fees_cents"], gross - earned);

  // Who may see what, and bad ranges.
  CAF_CHECK_EQUAL(node.get("/api/analytics/creator", "").status, 401);
  CAF_CHECK_EQUAL(node.get("/api/analytics/creator", ann).status, 403);
  CAF_CHECK_EQUAL(node.get("/api/analytics/platform", creator).status, 403);
  CAF_CHECK_EQUAL(node.get("/api/analytics/videos/" + paid, ann).status, 403);
  CAF_CHECK_EQUAL(node.get("/api/analytics/videos/nope", creator).status, 404);
  for (auto bad : {"?from=2026-13-01", "?to=yesterday", "?from=2026-02-30",
                   "?from=2026-05-02&to=2026-05-01",
                   "?from=2024-01-01&to=2026-01-01"}) {
    auto r = node.get(std::string{"/api/analytics/creator"} + bad, creator);
    CAF_CHECK_EQUAL(r.status, 400);
    CAF_CHECK_EQUAL(r.body["error"], "invalid_range");
  }
  CAF_CHECK_EQUAL(number(dbs, "analytics", "SELECT count(*) FROM money"),
                  number(dbs, "billing", "SELECT count(*) FROM outbox"));
  auto ready = node.get("/health/ready");
  CAF_CHECK_EQUAL(ready.status, 200);
  CAF_CHECK_EQUAL(ready.body["roles"]["analytics"]["ready"], true);
}

CAF_TEST(numbers catch up exactly after an analytics outage) {
  test_databases dbs;
  std::string creator, creator_id, ann, paid;
  {
    test_node without{dbs, node_args("gateway,auth,catalog,billing,streaming")};
    auto account = sign_up(without, "creator");
    creator = token_of(account);
    creator_id = account["user"]["id"].get<std::string>();
    ann = token_of(sign_up(without));
    paid = upload(without, creator, 10);
    deposit(without, ann, 1'000);
    // Watching and paying go on without analytics.
    play(without, ann, paid, 3);
    play(without, ann, paid, 2);
    CAF_CHECK_EQUAL(without.get("/api/analytics/creator", creator).status, 503);
    CAF_CHECK_EQUAL(without.stop(), 0);
  }
  auto earned = [&](test_node& node) {
    return node.get("/api/wallet", creator).body["earned_cents"].get<int64_t>();
  };
  auto gross = [&] {
    return number(dbs, "streaming", "SELECT sum(charged_cents) FROM sessions");
  };
  json caught_up;
  {
    test_node with{dbs, node_args()};
    auto ledger = earned(with);
    CAF_CHECK_GREATER(ledger, 0);
    auto dash = settled(with, "/api/analytics/creator", creator,
                        [&](const json& b) {
                          return b["totals"]["revenue_cents"] == ledger;
                        });
    CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], ledger);
    CAF_CHECK_EQUAL(dash["totals"]["views"], 2); // paid minute 0 twice
    CAF_CHECK_EQUAL(dash["totals"]["unique_viewers"], 1);
    // Watching while analytics runs counts minutes too.
    auto id = play(with, ann, paid, 4);
    all_stored(dbs);
    ledger = earned(with);
    auto billed = number(dbs, "streaming",
                         "SELECT billed_ms FROM sessions WHERE id = "
                           + in_list(id));
    dash = settled(with, "/api/analytics/creator", creator,
                   [&](const json& b) {
                     return b["totals"]["revenue_cents"] == ledger
                            && b["totals"]["watched_ms"] == billed;
                   });
    CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], ledger);
    CAF_CHECK_EQUAL(dash["totals"]["views"], 3);
    CAF_CHECK_EQUAL(dash["totals"]["watched_ms"], billed);
    CAF_CHECK_EQUAL(dash["per_video"][0]["title"], "Session test");
    caught_up = dash;
    CAF_CHECK_EQUAL(with.stop(), 0);
  }
  // A restart reads the outbox on from its stored cursor: nothing twice.
  test_node again{dbs, node_args()};
  auto admin = token_of(make_admin(again, dbs));
  auto platform = settled(again, "/api/analytics/platform", admin,
                          [&](const json& b) {
                            return b["users"]["admin"] == 1;
                          });
  CAF_CHECK_EQUAL(platform["deposits_cents"], 1'000);
  CAF_CHECK_EQUAL(platform["revenue_cents"], gross());
  sleep_ms(1'000); // several poll intervals
  auto dash = again.get("/api/analytics/creator", creator);
  CAF_CHECK_EQUAL(dash.body["totals"], caught_up["totals"]);
  CAF_CHECK_EQUAL(number(dbs, "analytics", "SELECT count(*) FROM money"),
                  number(dbs, "billing", "SELECT count(*) FROM outbox"));
}
