#define CAF_SUITE catalog_api

#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/catalog_support.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify::test;
using nlohmann::json;

namespace {

std::string token_of(const json& account) {
  return account["token"].get<std::string>();
}

json creator() {
  return sign_up(catalog().node(), "creator");
}

std::string rows(const std::string& where) {
  return catalog().dbs().query("video", "SELECT count(*) FROM videos WHERE "
                                          + where);
}

size_t partial_files() {
  auto files = catalog().stored_files();
  return static_cast<size_t>(std::count_if(files.begin(), files.end(), [](auto& f) {
    return f.size() > 5 && f.compare(f.size() - 5, 5, ".part") == 0;
  }));
}

// A unique word for titles, so searches see only this test's videos.
std::string tag(const std::string& base) {
  static int n = 0;
  return base + std::to_string(::getpid()) + "x" + std::to_string(++n);
}

// A ready video straight into the database (fast bulk for list tests).
void insert_ready(const std::string& id, const std::string& title,
                  int64_t price, const std::string& category, int64_t views,
                  int64_t created_ms) {
  catalog().dbs().query(
    "video",
    "INSERT INTO videos (id, owner_id, owner_display_name, title, category,"
    " price_per_minute_cents, status, file_name, mime_type, size_bytes,"
    " views, created_at_ms, duration_ms) VALUES ('"
      + id + "', 'someone', 'Someone', '" + title + "', '" + category + "', "
      + std::to_string(price) + ", 'ready', 'none.webm', 'video/webm', 1, "
      + std::to_string(views) + ", " + std::to_string(created_ms)
      + ", 1000) RETURNING id");
}

std::vector<std::string> titles(const json& list) {
  std::vector<std::string> out;
  for (const auto& v : list["items"])
    out.push_back(v["title"].get<std::string>());
  return out;
}

} // namespace

CAF_TEST(an upload goes from processing to ready with duration and thumbnail) {
  auto& node = catalog().node();
  auto owner = creator();
  for (auto kind : {"webm", "mp4"}) {
    auto r = upload_video(token_of(owner), std::string{"Test card "} + kind,
                          sample_video(kind), 25, "tech", "colour bars");
    CAF_REQUIRE_EQUAL(r.status, 201);
    CAF_CHECK_EQUAL(r.body["status"], "processing");
    CAF_CHECK_EQUAL(r.body["owner_id"], owner["user"]["id"]);
    CAF_CHECK_EQUAL(r.body["owner_display_name"], "Test creator");
    CAF_CHECK_EQUAL(r.body["price_per_minute_cents"], 25);
    CAF_CHECK_EQUAL(r.body["category"], "tech");
    auto id = r.body["id"].get<std::string>();
    // Not public while processing (unless it is already done).
    auto early = node.get("/api/videos/" + id);
    CAF_CHECK(early.status == 404 || early.body["status"] == "ready");
    auto done = wait_processed(id, token_of(owner));
    CAF_REQUIRE_EQUAL(done["status"], "ready");
    CAF_CHECK(std::abs(done["duration_s"].get<double>() - 3.0) < 0.1);
    CAF_CHECK_EQUAL(done["thumbnail_url"], "/api/videos/" + id + "/thumbnail");
    CAF_CHECK_EQUAL(done["views"], 0);
    CAF_CHECK(!done.contains("failure_reason"));
    auto pub = node.get("/api/videos/" + id);
    CAF_CHECK_EQUAL(pub.status, 200);
    auto thumb = node.get("/api/videos/" + id + "/thumbnail");
    CAF_REQUIRE_EQUAL(thumb.status, 200);
    CAF_CHECK_EQUAL(thumb.header("Content-Type"), "image/jpeg");
    CAF_CHECK(thumb.raw.size() > 100 && thumb.raw.compare(0, 2, "\xFF\xD8") == 0);
    auto codec = catalog().dbs().query(
      "video", "SELECT video_codec FROM videos WHERE id = '" + id + "'");
    CAF_CHECK_EQUAL(codec, std::string{kind} == "mp4" ? "h264" : "vp9");
    // 320x240 without audio: one video-only rendition.
    CAF_REQUIRE_EQUAL(done["renditions"].size(), 1u);
    CAF_CHECK_EQUAL(done["renditions"][0]["name"], "240p");
    std::ifstream master{catalog().videos_dir() + "/hls/" + id + "/master.m3u8"};
    std::string text{std::istreambuf_iterator<char>(master), {}};
    CAF_CHECK(text.find("RESOLUTION=320x240,CODECS=\"avc1.64001e\"\n240p/index.m3u8")
              != std::string::npos);
  }
}

CAF_TEST(a file that is no video fails processing with a reason) {
  // Starts like an MP4 but is not one: accepted, then failed by ffprobe.
  std::string fake = std::string("\0\0\0\x18" "ftypisom", 12) + std::string(5000, 'x');
  auto owner = creator();
  auto r = upload_video(token_of(owner), "Fake", fake);
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto done = wait_processed(r.body["id"].get<std::string>(), token_of(owner));
  CAF_CHECK_EQUAL(done["status"], "failed");
  CAF_CHECK(!done["failure_reason"].get<std::string>().empty());
  CAF_CHECK(done["thumbnail_url"].is_null());
}

CAF_TEST(only creators upload and only videos are accepted) {
  auto before = catalog().stored_files().size();
  auto viewer = sign_up(catalog().node(), "viewer");
  auto r = upload_video(token_of(viewer), "Nope", sample_video("webm"));
  CAF_CHECK_EQUAL(r.status, 403);
  CAF_CHECK_EQUAL(upload_video("", "Nope", sample_video("webm")).status, 401);
  auto owner = creator();
  auto text = upload(token_of(owner),
                     {{"title", "Text", ""},
                      {"price_per_minute_cents", "0", ""},
                      {"file", "this is just text, not a video at all, honest!"
                               " padding padding padding padding",
                       "movie.mp4"}});
  CAF_CHECK_EQUAL(text.status, 415);
  CAF_CHECK_EQUAL(text.body["error"], "not_a_video");
  CAF_CHECK_EQUAL(catalog().stored_files().size(), before);
  CAF_CHECK_EQUAL(rows("title IN ('Nope', 'Text')"), "0");
}

CAF_TEST(invalid form fields are 4xx and leave nothing behind) {
  auto before = catalog().stored_files().size();
  auto token = token_of(creator());
  auto& webm = sample_video("webm");
  CAF_CHECK_EQUAL(upload_video(token, "", webm).status, 422);
  CAF_CHECK_EQUAL(upload_video(token, std::string(201, 't'), webm).status, 422);
  CAF_CHECK_EQUAL(upload_video(token, "Dear", webm, 100001).status, 422);
  CAF_CHECK_EQUAL(upload_video(token, "Odd", webm, 5, "knitting").status, 422);
  CAF_CHECK_EQUAL(upload(token, {{"title", "No price", ""},
                                 {"file", webm, "a.webm"}}).status, 400);
  CAF_CHECK_EQUAL(upload(token, {{"title", "No file", ""},
                                 {"price_per_minute_cents", "1", ""}}).status,
                  400);
  CAF_CHECK_EQUAL(upload(token, {{"title", "Float", ""},
                                 {"price_per_minute_cents", "1.5", ""},
                                 {"file", webm, "a.webm"}}).status, 400);
  CAF_CHECK_EQUAL(catalog().stored_files().size(), before);
  auto general = upload_video(token, "Defaulted", webm);
  CAF_REQUIRE_EQUAL(general.status, 201);
  CAF_CHECK_EQUAL(general.body["category"], "general");
}

CAF_TEST(oversized uploads are 413 before the body is read) {
  auto token = token_of(creator());
  auto before = catalog().stored_files().size();
  auto [body, type] = multipart({{"title", "Big", ""},
                                 {"price_per_minute_cents", "1", ""},
                                 {"file", sample_video("webm"), "big.webm"}});
  std::string head = "POST /api/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + token + "\r\nContent-Type: " + type
                     + "\r\nContent-Length: "
                     + std::to_string(catalog_env::upload_limit + 1)
                     + "\r\n\r\n";
  auto answer = send_raw(catalog().node().port(), head + body, true);
  CAF_CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
  CAF_CHECK_EQUAL(catalog().stored_files().size(), before);
  CAF_CHECK_EQUAL(rows("title = 'Big'"), "0");
}

CAF_TEST(an interrupted upload leaves no file and no row) {
  auto token = token_of(creator());
  auto before = catalog().stored_files().size();
  auto [body, type] = multipart({{"title", "Interrupted", ""},
                                 {"price_per_minute_cents", "1", ""},
                                 {"file", sample_video("webm"), "cut.webm"}});
  std::string head = "POST /api/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + token + "\r\nContent-Type: " + type
                     + "\r\nContent-Length: " + std::to_string(body.size())
                     + "\r\n\r\n";
  // Everything but the last 2000 bytes, then the connection drops.
  send_raw(catalog().node().port(), head + body.substr(0, body.size() - 2000),
           false);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < 50 && partial_files() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(partial_files(), 0u);
  CAF_CHECK_EQUAL(catalog().stored_files().size(), before);
  CAF_CHECK_EQUAL(rows("title = 'Interrupted'"), "0");
  // The node is still fine.
  CAF_CHECK_EQUAL(catalog().node().get("/health").status, 200);
}

CAF_TEST(only the owner patches and deletes) {
  auto& node = catalog().node();
  auto owner = creator();
  auto other = creator();
  auto r = upload_video(token_of(owner), "Owned", sample_video("webm"), 10);
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto id = r.body["id"].get<std::string>();
  auto file = catalog().dbs().query("video", "SELECT file_name FROM videos WHERE id = '" + id + "'");
  wait_processed(id, token_of(owner));
  auto path = "/api/videos/" + id;
  CAF_CHECK_EQUAL(node.patch(path, {{"title", "Mine now"}}, token_of(other)).status, 403);
  CAF_CHECK_EQUAL(node.del(path, token_of(other)).status, 403);
  CAF_CHECK_EQUAL(node.patch(path, {{"title", "x"}}).status, 401);
  CAF_CHECK_EQUAL(node.patch(path, {{"price_per_minute_cents", "5"}}, token_of(owner)).status, 400);
  CAF_CHECK_EQUAL(node.patch(path, {{"price_per_minute_cents", 5.5}}, token_of(owner)).status, 400);
  CAF_CHECK_EQUAL(node.patch(path, {{"price_per_minute_cents", -1}}, token_of(owner)).status, 422);
  CAF_CHECK_EQUAL(node.patch(path, {{"title", ""}}, token_of(owner)).status, 422);
  CAF_CHECK_EQUAL(node.patch(path, {{"description", std::string(5001, 'd')}}, token_of(owner)).status, 422);
  CAF_CHECK_EQUAL(node.patch(path, {{"category", "nope"}}, token_of(owner)).status, 422);
  auto ok = node.patch(path, {{"title", "<b>Renamed</b>"}, {"price_per_minute_cents", 0},
                              {"category", "music"}}, token_of(owner));
  CAF_REQUIRE_EQUAL(ok.status, 200);
  CAF_CHECK_EQUAL(ok.body["title"], "<b>Renamed</b>");
  CAF_CHECK_EQUAL(ok.body["price_per_minute_cents"], 0);
  CAF_CHECK_EQUAL(ok.body["category"], "music");
  CAF_CHECK_EQUAL(ok.body["description"], "");
  CAF_CHECK_EQUAL(node.del(path, token_of(owner)).status, 204);
  CAF_CHECK_EQUAL(node.get(path).status, 404);
  CAF_CHECK_EQUAL(node.get(path, token_of(owner)).status, 404);
  CAF_CHECK_EQUAL(node.get(path + "/thumbnail").status, 404);
  CAF_CHECK_EQUAL(node.del(path, token_of(owner)).status, 404);
  auto files = catalog().stored_files();
  CAF_CHECK(std::find(files.begin(), files.end(), file) == files.end());
  CAF_CHECK_EQUAL(rows("id = '" + id + "' AND status = 'deleted'"), "1");
  CAF_CHECK_EQUAL(node.get("/api/videos/nonexistent").status, 404);
}

CAF_TEST(the creator list shows every status of the caller only) {
  auto& node = catalog().node();
  auto owner = creator();
  auto r = upload_video(token_of(owner), "Listed", sample_video("webm"));
  CAF_REQUIRE_EQUAL(r.status, 201);
  auto mine = node.get("/api/creator/videos", token_of(owner));
  CAF_REQUIRE_EQUAL(mine.status, 200);
  CAF_REQUIRE_EQUAL(mine.body["items"].size(), 1u);
  CAF_CHECK_EQUAL(mine.body["items"][0]["id"], r.body["id"]);
  CAF_CHECK(mine.body["next_cursor"].is_null());
  CAF_CHECK_EQUAL(node.get("/api/creator/videos", token_of(creator())).body["items"].size(), 0u);
  CAF_CHECK_EQUAL(node.get("/api/creator/videos").status, 401);
}

CAF_TEST(search filters and sorts) {
  auto& node = catalog().node();
  auto word = tag("zebra");
  insert_ready(tag("a"), "Alpha " + word, 300, "music", 5, 1000);
  insert_ready(tag("b"), "Beta", 100, "music", 50, 2000);
  catalog().dbs().query("video", "UPDATE videos SET description = 'about "
                                   + word + "s' WHERE title = 'Beta' RETURNING 1");
  insert_ready(tag("c"), "Gamma " + word, 200, "film", 20, 3000);
  auto list = [&](const std::string& query) {
    auto r = node.get("/api/videos?q=" + word + query);
    CAF_REQUIRE_EQUAL(r.status, 200);
    return titles(r.body);
  };
  using v = std::vector<std::string>;
  CAF_CHECK_EQUAL(list(""), (v{"Gamma " + word, "Beta", "Alpha " + word}));
  CAF_CHECK_EQUAL(list("&sort=popular"), (v{"Beta", "Gamma " + word, "Alpha " + word}));
  CAF_CHECK_EQUAL(list("&sort=price_asc"), (v{"Beta", "Gamma " + word, "Alpha " + word}));
  CAF_CHECK_EQUAL(list("&sort=price_desc"), (v{"Alpha " + word, "Gamma " + word, "Beta"}));
  CAF_CHECK_EQUAL(list("&category=music"), (v{"Beta", "Alpha " + word}));
  auto upper = word;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  CAF_CHECK_EQUAL(titles(node.get("/api/videos?q=" + upper).body).size(), 3u);
  CAF_CHECK_EQUAL(titles(node.get("/api/videos?q=" + word + "%25").body).size(), 0u);
  CAF_CHECK_EQUAL(node.get("/api/videos?sort=random").status, 422);
  CAF_CHECK_EQUAL(node.get("/api/videos?limit=abc").status, 400);
  CAF_CHECK_EQUAL(node.get("/api/videos?limit=0").status, 422);
  CAF_CHECK_EQUAL(node.get("/api/videos?cursor=garbage").status, 400);
  CAF_CHECK_EQUAL(node.get("/api/videos?limit=1000").status, 200);
}

CAF_TEST(pagination stays stable while videos are added) {
  auto& node = catalog().node();
  auto word = tag("page");
  int64_t t = 10'000;
  for (int i = 0; i < 7; ++i)
    insert_ready(tag("p"), word + " " + std::to_string(i), 10, "general", 0, t++);
  for (auto sort : {"new", "price_asc"}) {
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      auto r = node.get("/api/videos?q=" + word + "&limit=3&sort=" + sort
                        + (cursor.empty() ? "" : "&cursor=" + cursor));
      CAF_REQUIRE_EQUAL(r.status, 200);
      for (const auto& v : r.body["items"])
        CAF_CHECK(seen.insert(v["title"].get<std::string>()).second);
      // New videos arrive between pages; they never shift later pages.
      insert_ready(tag("p"), word + " " + tag("late"), 10, "general",
                   0, 99'999'999'999'999);
      cursor = r.body["next_cursor"].is_null() ? "" : r.body["next_cursor"].get<std::string>();
      ++pages;
    } while (!cursor.empty() && pages < 20);
    for (int i = 0; i < 7; ++i)
      CAF_CHECK_EQUAL(seen.count(word + " " + std::to_string(i)), 1u);
    if (std::string{sort} == "new")
      CAF_CHECK_EQUAL(seen.size(), 7u);
  }
}

CAF_TEST(a restarted catalog redoes videos left processing and ladders old ones) {
  auto& env = catalog();
  env.node();
  auto id = tag("r");
  auto file = id + ".webm";
  {
    std::ofstream out{env.videos_dir() + "/" + file, std::ios::binary};
    out << sample_video("webm");
  }
  env.dbs().query("video",
                  "INSERT INTO videos (id, owner_id, owner_display_name, title,"
                  " category, price_per_minute_cents, status, file_name,"
                  " mime_type, size_bytes, created_at_ms) VALUES ('"
                    + id + "', 'someone', 'Someone', 'Left behind', 'general',"
                           " 0, 'processing', '"
                    + file + "', 'video/webm', 1, 1) RETURNING id");
  // Ready from before transcoding existed: it gets a ladder, staying ready.
  auto old = tag("o");
  {
    std::ofstream out{env.videos_dir() + "/" + old + ".webm", std::ios::binary};
    out << sample_video("webm");
  }
  insert_ready(old, "Made ready without a ladder", 0, "general", 0, 0);
  env.dbs().query("video", "UPDATE videos SET file_name = '" + old
                             + ".webm' WHERE id = '" + old + "' RETURNING 1");
  test_node second{env.dbs(), {"--storage.data-dir=" + env.data_dir}};
  auto ask = [&](const std::string& what, const std::string& of) {
    return env.dbs().query("video", "SELECT " + what + " FROM videos WHERE id = '"
                                      + of + "'");
  };
  std::string status;
  for (int i = 0; i < 300 && status != "ready"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = ask("status", id);
  }
  CAF_CHECK_EQUAL(status, "ready");
  CAF_CHECK_EQUAL(ask("duration_ms", id), "3000");
  std::string ladder;
  for (int i = 0; i < 300 && ladder.empty(); ++i) {
    ladder = ask("coalesce(renditions->0->>'name', '')", old);
    if (ladder.empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CAF_CHECK_EQUAL(ladder, "240p");
  CAF_CHECK_EQUAL(ask("status", old), "ready");
  CAF_CHECK(std::ifstream{env.videos_dir() + "/hls/" + old + "/master.m3u8"}.good());
}
