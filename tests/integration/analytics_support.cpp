#include "tests/integration/analytics_support.hpp"

#include <algorithm>
#include <cstdlib>

#include <caf/test/unit_test.hpp>
#include <unistd.h>

#include "actors/analytics/day_rules.hpp"
#include "tests/integration/billing_support.hpp"
#include "tests/integration/session_support.hpp"

namespace streamify::test {

using nlohmann::json;

namespace {

constexpr int64_t paid_price = 10;

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

// Seconds each viewer session of the paid video played.
const std::vector<int64_t> paid_sessions_s{5, 1, 3};

} // namespace

void add_creator(test_node& node, analytics_cast& cast) {
  auto account = sign_up(node, "creator");
  cast.creator = token_of(account);
  cast.creator_id = account["user"]["id"].get<std::string>();
  cast.paid = upload(node, cast.creator, paid_price);
  cast.free_video = upload(node, cast.creator, 0, short_clip());
}

void add_viewers(test_node& node, const test_databases& dbs,
                 analytics_cast& cast) {
  cast.admin = token_of(make_admin(node, dbs));
  cast.ann = token_of(sign_up(node));
  cast.bob = token_of(sign_up(node));
  deposit(node, cast.ann, 1'000);
  deposit(node, cast.bob, 1'000);
}

void play_sessions(test_node& node, const test_databases& dbs,
                   const analytics_cast& cast) {
  play(node, cast.ann, cast.paid, paid_sessions_s[0]);
  play(node, cast.ann, cast.paid, paid_sessions_s[1]);
  play(node, cast.bob, cast.paid, paid_sessions_s[2]);
  // Short of the clip's end, so play time keeps counting to the free view.
  play(node, cast.bob, cast.free_video, 5, 2);
  play(node, cast.creator, cast.paid, 2); // the owner's own session is no view
  all_stored(dbs);
}

void check_dashboards(test_node& node, const test_databases& dbs,
                      const analytics_cast& cast,
                      std::chrono::milliseconds limit) {
  auto of_creator = " FROM sessions WHERE owner_id = " + in_list(cast.creator_id)
                    + " AND viewer_id <> owner_id";
  auto views = number(dbs, "streaming", "SELECT count(*)" + of_creator
                                          + " AND view_counted");
  CAF_CHECK_EQUAL(views, 4);
  auto watched = number(dbs, "streaming", "SELECT sum(billed_ms)" + of_creator);
  auto earned = node.get("/api/wallet", cast.creator).body["earned_cents"]
                  .get<int64_t>();
  auto minutes_paid = number(dbs, "streaming",
                             "SELECT sum(minutes_paid)" + of_creator);
  CAF_CHECK_EQUAL(earned, minutes_paid * 8); // 20% fee of 10 cents
  auto day = today();
  auto range = "?from=" + day + "&to=" + day;

  auto dash = settled(node, "/api/analytics/creator" + range, cast.creator,
                      [&](const json& b) {
                        return b["totals"]["revenue_cents"] == earned
                               && b["totals"]["views"] == views
                               && b["totals"]["watched_ms"] == watched
                               && b["totals"]["unique_viewers"] == 2;
                      },
                      limit);
  CAF_CHECK_EQUAL(dash["totals"]["views"], views);
  CAF_CHECK_EQUAL(dash["totals"]["unique_viewers"], 2);
  CAF_CHECK_EQUAL(dash["totals"]["watched_ms"], watched);
  CAF_CHECK_EQUAL(dash["totals"]["revenue_cents"], earned);
  CAF_CHECK_EQUAL(dash["totals"]["platform_fee_cents"], minutes_paid * 2);
  // Checks, not requirements: a failure here still stops every node.
  CAF_CHECK_EQUAL(dash["per_day"].size(), 1u);
  CAF_CHECK_EQUAL(dash["per_day"][0]["day"], day);
  CAF_CHECK_EQUAL(dash["per_day"][0]["views"], views);
  CAF_CHECK_EQUAL(dash["per_day"][0]["revenue_cents"], earned);
  CAF_CHECK_EQUAL(dash["per_video"].size(), 2u);
  for (const auto& v : dash["per_video"]) {
    auto id = v["video_id"].get<std::string>();
    auto of_video = of_creator + " AND video_id = " + in_list(id);
    CAF_CHECK_EQUAL(v["title"], "Session test");
    CAF_CHECK_EQUAL(v["views"], id == cast.paid ? 3 : 1);
    CAF_CHECK_EQUAL(v["unique_viewers"], id == cast.paid ? 2 : 1);
    CAF_CHECK_EQUAL(v["watched_ms"],
                    number(dbs, "streaming", "SELECT sum(billed_ms)" + of_video));
    CAF_CHECK_EQUAL(v["revenue_cents"], id == cast.paid ? earned : 0);
  }

  auto duration = number(dbs, "streaming",
                         "SELECT max(duration_ms) FROM sessions WHERE video_id = "
                           + in_list(cast.paid));
  json retention = json::array();
  for (int k = 0; k < 10; ++k) {
    int reached = 0;
    for (auto last_s : paid_sessions_s)
      reached += last_s * 1000 * 10 >= k * duration;
    retention.push_back(static_cast<double>(reached * 10'000 / 3) / 10'000.0);
  }
  auto stats = settled(node, "/api/analytics/videos/" + cast.paid + range,
                       cast.creator,
                       [&](const json& b) { return b["retention"] == retention; },
                       limit);
  CAF_CHECK_EQUAL(stats["totals"]["views"], 3);
  CAF_CHECK_EQUAL(stats["totals"]["revenue_cents"], earned);
  CAF_CHECK_EQUAL(stats["sessions"], 3);
  CAF_CHECK_EQUAL(stats["retention"], retention);
  auto free_stats = node.get("/api/analytics/videos/" + cast.free_video,
                             cast.creator);
  CAF_CHECK_EQUAL(free_stats.status, 200);
  auto free_duration = number(dbs, "streaming",
                              "SELECT max(duration_ms) FROM sessions WHERE"
                              " video_id = " + in_list(cast.free_video));
  for (int k = 0; k < 10; ++k)
    CAF_CHECK_EQUAL(free_stats.body["retention"][k],
                    2'000 * 10 >= k * free_duration ? 1.0 : 0.0);
  CAF_CHECK_EQUAL(free_stats.body["per_day"].size(), 30u); // default range

  auto gross = number(dbs, "streaming",
                      "SELECT sum(charged_cents) FROM sessions");
  auto all_sessions = number(dbs, "streaming", "SELECT count(*) FROM sessions");
  auto all_watched = number(dbs, "streaming",
                            "SELECT sum(billed_ms) FROM sessions");
  json users{{"viewer", 2}, {"creator", 1}, {"admin", 1}};
  // Money comes from the outbox, play time from the sessions' own events:
  // both must have arrived.
  auto platform = settled(node, "/api/analytics/platform", cast.admin,
                          [&](const json& b) {
                            return b["revenue_cents"] == gross
                                   && b["users"] == users
                                   && b["sessions"] == all_sessions
                                   && b["watched_ms"] == all_watched;
                          },
                          limit);
  CAF_CHECK_EQUAL(platform["users"], users);
  CAF_CHECK_EQUAL(platform["videos"], 2);
  CAF_CHECK_EQUAL(platform["sessions"], all_sessions);
  CAF_CHECK_EQUAL(platform["watched_ms"], all_watched);
  CAF_CHECK_EQUAL(platform["deposits_cents"], 2'000);
  CAF_CHECK_EQUAL(platform["revenue_cents"], gross);
  CAF_CHECK_EQUAL(platform["platform_fees_cents"], gross - earned);
  CAF_CHECK_EQUAL(number(dbs, "analytics", "SELECT count(*) FROM money"),
                  number(dbs, "billing", "SELECT count(*) FROM outbox"));
}

std::string play(test_node& node, const std::string& token,
                 const std::string& video, int last_s, int hold_s) {
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
  return analytics::format_day(persistence::day_of(now_ms));
}

std::string in_list(const std::string& id) {
  return "'" + id + "'";
}

json settled(test_node& node, const std::string& path, const std::string& token,
             const std::function<bool(const json&)>& done,
             std::chrono::milliseconds limit) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + limit;
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

} // namespace streamify::test
