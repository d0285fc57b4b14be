// Viewing sessions over HTTP with a real node and PostgreSQL and a 2 s
// minute. The tests that need videos and money (catalog and billing roles)
// are skipped, with a message, on a build without those routes.
#define CAF_SUITE session_api

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include <caf/test/unit_test.hpp>

#include "tests/integration/session_support.hpp"

using namespace streamify::test;
using nlohmann::json;

CAF_TEST(session routes need a token) {
  auto& node = session_node();
  CAF_CHECK_EQUAL(node.post("/api/sessions", {{"video_id", "x"}}).status, 401);
  CAF_CHECK_EQUAL(node.post("/api/sessions/x/heartbeat",
                            {{"position_s", 0}, {"playing", true}})
                    .status,
                  401);
  CAF_CHECK_EQUAL(node.post("/api/sessions/x/end", json::object()).status,
                  401);
  CAF_CHECK_EQUAL(node.get("/api/sessions/x").status, 401);
  CAF_CHECK_EQUAL(node.get("/api/history").status, 401);
}

CAF_TEST(bad heartbeat bodies are 400 or 422 and unknown sessions 404) {
  auto& node = session_node();
  auto token = token_of(sign_up(node));
  auto missing = node.post("/api/sessions/nope/heartbeat",
                           {{"playing", true}}, token);
  CAF_CHECK_EQUAL(missing.status, 400);
  CAF_CHECK_EQUAL(missing.body["error"], "missing_field");
  CAF_CHECK_EQUAL(node.post("/api/sessions/nope/heartbeat",
                            {{"position_s", "1"}, {"playing", true}}, token)
                    .status,
                  400);
  CAF_CHECK_EQUAL(node.post("/api/sessions/nope/heartbeat",
                            {{"position_s", 1}, {"playing", 1}}, token)
                    .status,
                  400);
  CAF_CHECK_EQUAL(node.post("/api/sessions/nope/heartbeat",
                            {{"position_s", -1}, {"playing", true}}, token)
                    .status,
                  422);
  CAF_CHECK_EQUAL(node.post("/api/sessions/nope/heartbeat",
                            {{"position_s", 1}, {"playing", true},
                             {"seq", -3}},
                            token)
                    .status,
                  422);
  CAF_CHECK_EQUAL(node.post("/api/sessions", {{"video", "x"}}, token).status,
                  400);
  auto r = beat(node, token, "nope", 1, true);
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(node.get("/api/sessions/nope", token).status, 404);
  CAF_CHECK_EQUAL(node.post("/api/sessions/nope/end", json::object(), token)
                    .status,
                  404);
}

CAF_TEST(history starts empty and rejects a bad limit or cursor) {
  auto& node = session_node();
  auto token = token_of(sign_up(node));
  auto r = node.get("/api/history", token);
  CAF_REQUIRE_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.body["items"], json::array());
  CAF_CHECK(r.body["next_cursor"].is_null());
  CAF_CHECK_EQUAL(node.get("/api/history?limit=abc", token).status, 400);
  CAF_CHECK_EQUAL(node.get("/api/history?limit=0", token).status, 400);
  CAF_CHECK_EQUAL(node.get("/api/history?cursor=zzz", token).status, 400);
  CAF_CHECK_EQUAL(node.get("/api/history?limit=500", token).status, 200);
}

CAF_TEST(a full watch charges each minute once with exact balances) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto creator = token_of(sign_up(node, "creator"));
  auto viewer = token_of(sign_up(node));
  auto video = upload(node, creator, 10);
  deposit(node, viewer, 1'000);
  auto creator_before = node.get("/api/wallet", creator).body;
  auto s = node.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_REQUIRE_EQUAL(s.status, 201);
  auto id = s.body["id"].get<std::string>();
  CAF_CHECK_EQUAL(s.body["state"], "active");
  CAF_CHECK_EQUAL(s.body["minutes_paid"], 1);
  CAF_CHECK_EQUAL(s.body["charged_cents"], 10);
  CAF_CHECK_EQUAL(s.body["balance_cents"], 990);
  CAF_CHECK_EQUAL(s.body["heartbeat_interval_s"], 1);
  CAF_CHECK_EQUAL(s.body["stream_url"].get<std::string>().rfind(
                    "/api/sessions/" + id + "/stream?st=", 0),
                  0u);
  auto again = node.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_CHECK_EQUAL(again.status, 201);
  CAF_CHECK_EQUAL(again.body["id"], id);
  CAF_CHECK_EQUAL(balance(node, viewer), 990);
  json last;
  for (int i = 0; i <= 5; ++i) {
    auto r = beat(node, viewer, id, i, true, i);
    CAF_REQUIRE_EQUAL(r.status, 200);
    last = r.body;
    sleep_ms(1'000);
  }
  auto ended = node.post("/api/sessions/" + id + "/end", json::object(),
                         viewer);
  CAF_REQUIRE_EQUAL(ended.status, 200);
  CAF_CHECK_EQUAL(ended.body["state"], "ended");
  CAF_CHECK_EQUAL(ended.body["end_reason"], "viewer");
  auto paid = ended.body["minutes_paid"].get<int64_t>();
  auto billed = ended.body["billed_seconds"].get<int64_t>();
  CAF_CHECK_GREATER_OR_EQUAL(billed, 4);
  CAF_CHECK_EQUAL(paid, billed / 2 + 1);
  CAF_CHECK_EQUAL(ended.body["charged_cents"], paid * 10);
  CAF_CHECK_EQUAL(balance(node, viewer), 1'000 - paid * 10);
  auto creator_after = node.get("/api/wallet", creator).body;
  CAF_CHECK_EQUAL(creator_after["earned_cents"].get<int64_t>()
                    - creator_before["earned_cents"].get<int64_t>(),
                  paid * 8); // 20% platform fee
  sleep_ms(2'500);
  auto after = beat(node, viewer, id, 9, true, 99);
  CAF_CHECK_EQUAL(after.status, 200);
  CAF_CHECK_EQUAL(after.body["minutes_paid"], paid);
  CAF_CHECK_EQUAL(balance(node, viewer), 1'000 - paid * 10);
  auto history = node.get("/api/history", viewer);
  CAF_REQUIRE_EQUAL(history.status, 200);
  CAF_CHECK_EQUAL(history.body["items"][0]["session_id"], id);
  CAF_CHECK_EQUAL(history.body["items"][0]["charged_cents"], paid * 10);
  CAF_CHECK_EQUAL(shared_databases().query(
                    "streaming", "SELECT minutes_paid FROM sessions WHERE id = '"
                                   + id + "'"),
                  std::to_string(paid));
}

CAF_TEST(a short balance is 402 at start and payment_required later) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto creator = token_of(sign_up(node, "creator"));
  auto viewer = token_of(sign_up(node));
  auto video = upload(node, creator, 10);
  auto broke = node.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_CHECK_EQUAL(broke.status, 402);
  CAF_CHECK_EQUAL(shared_databases().query(
                    "streaming", "SELECT count(*) FROM sessions WHERE"
                                 " video_id = '" + video + "'"),
                  "0");
  deposit(node, viewer, 15);
  auto s = node.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_REQUIRE_EQUAL(s.status, 201);
  auto id = s.body["id"].get<std::string>();
  json last;
  for (int i = 0; i < 4; ++i) {
    last = beat(node, viewer, id, i, true).body;
    sleep_ms(1'000);
  }
  last = beat(node, viewer, id, 4, true).body;
  CAF_CHECK_EQUAL(last["state"], "payment_required");
  CAF_CHECK_EQUAL(last["minutes_paid"], 1);
  CAF_CHECK_EQUAL(last["billed_seconds"], 2);
  CAF_CHECK_EQUAL(balance(node, viewer), 5);
  deposit(node, viewer, 100);
  auto resumed = beat(node, viewer, id, 5, true);
  CAF_CHECK_EQUAL(resumed.body["state"], "active");
  CAF_CHECK_EQUAL(resumed.body["minutes_paid"], 2);
  CAF_CHECK_EQUAL(balance(node, viewer), 95);
}

CAF_TEST(fifty concurrent identical heartbeats charge at most one minute) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto creator = token_of(sign_up(node, "creator"));
  auto viewer = token_of(sign_up(node));
  auto video = upload(node, creator, 10);
  deposit(node, viewer, 1'000);
  auto id = node.post("/api/sessions", {{"video_id", video}}, viewer)
              .body["id"]
              .get<std::string>();
  CAF_REQUIRE_EQUAL(beat(node, viewer, id, 0, true, 1).status, 200);
  sleep_ms(1'400);
  CAF_REQUIRE_EQUAL(beat(node, viewer, id, 1, true, 2).status, 200);
  sleep_ms(1'400);
  std::vector<std::future<int>> all;
  for (int i = 0; i < 50; ++i)
    all.push_back(std::async(std::launch::async, [&] {
      return beat(node, viewer, id, 2, true, 3).status;
    }));
  for (auto& f : all)
    CAF_CHECK_EQUAL(f.get(), 200);
  auto s = node.get("/api/sessions/" + id, viewer).body;
  CAF_CHECK_LESS_OR_EQUAL(s["minutes_paid"].get<int64_t>(), 2);
  CAF_CHECK_EQUAL(balance(node, viewer),
                  1'000 - s["minutes_paid"].get<int64_t>() * 10);
}

CAF_TEST(another viewer gets 403 and idle sessions end with timeout) {
  auto& node = session_node();
  if (!money_and_videos(node))
    return;
  auto creator = token_of(sign_up(node, "creator"));
  auto viewer = token_of(sign_up(node));
  auto other = token_of(sign_up(node));
  auto video = upload(node, creator, 0);
  auto s = node.post("/api/sessions", {{"video_id", video}}, viewer);
  CAF_REQUIRE_EQUAL(s.status, 201);
  CAF_CHECK_EQUAL(s.body["minutes_paid"], 0);
  auto id = s.body["id"].get<std::string>();
  CAF_CHECK_EQUAL(node.get("/api/sessions/" + id, other).status, 403);
  CAF_CHECK_EQUAL(beat(node, other, id, 1, true).status, 403);
  sleep_ms(4'000);
  auto ended = node.get("/api/sessions/" + id, viewer);
  CAF_CHECK_EQUAL(ended.body["state"], "ended");
  CAF_CHECK_EQUAL(ended.body["end_reason"], "timeout");
}
