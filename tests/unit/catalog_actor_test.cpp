#define CAF_SUITE catalog_actor

#include "tests/unit/catalog_fixture.hpp"

using namespace streamify;
using namespace streamify::catalog;
using namespace streamify::catalog_test;

CAF_TEST_FIXTURE_SCOPE(catalog_actor_tests, fixture)

CAF_TEST(an upload is stored processing then probed and transcoded into ready) {
  self->send(role, create_video_atom::value, upload("ann", "First"));
  expect((create_video_atom, new_video), from(self).to(role).with(_, _));
  expect((create_video_atom, video_info), from(role).to(worker).with(_, _));
  expect((video_info), from(worker).to(role).with(_));
  video_info created;
  expect((video_info), from(role).to(self).with(_));
  auto rows = store->list({"", "", "new", "ann", 10, false, 0, ""});
  CAF_REQUIRE_EQUAL(rows.size(), 1u);
  created = to_video_info(rows[0]);
  CAF_CHECK_EQUAL(created.status, "processing");
  CAF_CHECK_EQUAL(created.category, "general");
  expect((process_atom, std::string, std::string),
         from(role).to(media).with(_, created.id, created.file_name));
  expect((media_facts), from(media).to(role).with(_));
  expect((transcode_atom, transcode_job), from(role).to(transcoder).with(_, _));
  expect((progress_atom, std::string, int32_t),
         to(role).with(_, created.id, 50));
  expect((transcode_result), from(transcoder).to(role).with(_));
  expect((progress_atom, std::string, int32_t),
         from(role).to(worker).with(_, created.id, 50));
  expect((bool), from(worker).to(role).with(true));
  auto halfway = store->find(created.id);
  CAF_REQUIRE(halfway.has_value());
  CAF_CHECK_EQUAL(halfway->processing_progress, 50);
  expect((media_done_atom, std::string, media_facts, std::vector<rendition_info>),
         from(role).to(worker).with(_, created.id, _, _));
  expect((video_info), from(worker).to(role).with(_));
  auto ready = store->find(created.id);
  CAF_REQUIRE(ready.has_value());
  CAF_CHECK_EQUAL(ready->status, "ready");
  CAF_CHECK_EQUAL(ready->duration_ms, 3000);
  CAF_CHECK_EQUAL(ready->video_codec, "vp9");
  CAF_REQUIRE_EQUAL(ready->renditions.size(), 2u);
  CAF_CHECK_EQUAL(ready->renditions[1].name, "360p");
  CAF_CHECK_EQUAL(ready->renditions[1].bandwidth_bps, 1'161'600);
  auto seen = to_video_info(*ready);
  CAF_CHECK_EQUAL(seen.renditions.size(), 2u);
}

CAF_TEST(a failed probe leaves the video failed with a reason) {
  auto bad = media_facts{};
  bad.failure_reason = "the file contains no video stream";
  media = sys.spawn(fake_media, bad);
  auto first_role = role; // dropping it would end the worker linked to it
  role = start_role();
  run();
  auto v = create("ann", "Broken");
  auto seen = call<video_info>(get_video_atom::value, v.id, std::string{"ann"});
  CAF_REQUIRE(seen);
  CAF_CHECK_EQUAL(seen->status, "failed");
  CAF_CHECK_EQUAL(seen->failure_reason, "the file contains no video stream");
}

CAF_TEST(invalid uploads are rejected before anything is stored) {
  std::vector<new_video> bad{upload("ann", ""), upload("ann", std::string(201, 'x')),
                             upload("ann", "ok", -1), upload("ann", "ok", 100001),
                             upload("ann", "ok", 5, "cooking"),
                             upload("ann", "bad \xff utf8")};
  bad.push_back(upload("ann", "ok"));
  bad.back().description = std::string(5001, 'd');
  for (auto& v : bad) {
    auto r = call<video_info>(create_video_atom::value, v);
    CAF_REQUIRE(!r);
    CAF_CHECK(r.error() == errc::invalid);
  }
  CAF_CHECK(store->list({"", "", "new", "ann", 10, false, 0, ""}).empty());
  auto ok = call<video_info>(create_video_atom::value,
                             upload("ann", std::string(200, 'x'), 100000, "music"));
  CAF_CHECK(ok);
}

CAF_TEST(unready videos are hidden from everyone but their owner) {
  store->set_available(true);
  auto v = new_video{"ann", "Ann", "Mine", "", "", 0, "f.webm", "video/webm", 1};
  insert_row("00aa", "processing", v.file_name);
  std::string id = "00aa";
  auto other = call<video_info>(get_video_atom::value, id, std::string{"bob"});
  CAF_REQUIRE(!other);
  CAF_CHECK(other.error() == errc::not_found);
  auto anonymous = call<video_info>(get_video_atom::value, id, std::string{});
  CAF_CHECK(!anonymous);
  auto owner = call<video_info>(get_video_atom::value, id, std::string{"ann"});
  CAF_REQUIRE(owner);
  CAF_CHECK_EQUAL(owner->status, "processing");
  CAF_CHECK(list({}).items.empty());
}

CAF_TEST(only the owner updates and deletes and listeners hear of deletions) {
  auto v = create("ann", "Original");
  self->send(role, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  run();
  video_update by_bob{v.id, "bob", std::string{"Hijacked"}, caf::none, caf::none,
                      caf::none};
  auto r = call<video_info>(update_video_atom::value, by_bob);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::forbidden);
  auto gone = call<bool>(delete_video_atom::value, v.id, std::string{"bob"});
  CAF_REQUIRE(!gone);
  CAF_CHECK(gone.error() == errc::forbidden);
  video_update by_ann{v.id, "ann", caf::none, caf::none, int64_t{250},
                      std::string{""}};
  auto updated = call<video_info>(update_video_atom::value, by_ann);
  CAF_REQUIRE(updated);
  CAF_CHECK_EQUAL(updated->title, "Original");
  CAF_CHECK_EQUAL(updated->price_per_minute_cents, 250);
  CAF_CHECK_EQUAL(updated->category, "general");
  by_ann.price_per_minute_cents = int64_t{100001};
  CAF_CHECK(!call<video_info>(update_video_atom::value, by_ann));
  auto file = paths.videos_dir + "/" + v.file_name;
  CAF_CHECK(std::filesystem::exists(file));
  self->send(role, delete_video_atom::value, v.id, std::string{"ann"});
  expect((delete_video_atom, std::string, std::string),
         from(self).to(role).with(_, v.id, "ann"));
  expect((delete_video_atom, std::string, std::string),
         from(role).to(worker).with(_, v.id, "ann"));
  expect((video_info), from(worker).to(role).with(_));
  expect((video_deleted_atom, std::string), to(self).with(_, v.id));
  expect((bool), from(role).to(self).with(true));
  CAF_CHECK(!std::filesystem::exists(file));
  CAF_CHECK(!store->find(v.id));
  auto again = call<video_info>(get_video_atom::value, v.id);
  CAF_REQUIRE(!again);
  CAF_CHECK(again.error() == errc::not_found);
}

CAF_TEST(a view counts once per session) {
  auto v = create("ann", "Watched");
  for (auto session : {"s1", "s1", "s2", "s1"})
    self->send(role, view_counted_atom::value, v.id, std::string{session});
  run();
  auto counted = store->find(v.id);
  CAF_REQUIRE(counted.has_value());
  CAF_CHECK_EQUAL(counted->views, 2);
}

CAF_TEST(pages stay stable while videos are added) {
  for (int i = 0; i < 5; ++i)
    create("ann", "video " + std::to_string(i), 10 * (5 - i));
  video_query q;
  q.limit = 2;
  auto first = list(q);
  CAF_REQUIRE_EQUAL(first.items.size(), 2u);
  CAF_CHECK_EQUAL(first.items[0].title, "video 4");
  CAF_REQUIRE(!first.next_cursor.empty());
  create("ann", "newest");
  q.cursor = first.next_cursor;
  auto second = list(q);
  CAF_REQUIRE_EQUAL(second.items.size(), 2u);
  CAF_CHECK_EQUAL(second.items[0].title, "video 2");
  CAF_CHECK_EQUAL(second.items[1].title, "video 1");
  q.cursor = second.next_cursor;
  auto last = list(q);
  CAF_REQUIRE_EQUAL(last.items.size(), 1u);
  CAF_CHECK(last.next_cursor.empty());
  video_query cheap;
  cheap.sort = "price_asc";
  cheap.q = "VIDEO";
  auto by_price = list(cheap);
  CAF_REQUIRE_EQUAL(by_price.items.size(), 5u);
  CAF_CHECK_EQUAL(by_price.items[0].price_per_minute_cents, 10);
  video_query wrong;
  wrong.sort = "price_desc";
  wrong.cursor = first.next_cursor;
  auto r = call<video_page>(list_videos_atom::value, wrong);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error() == errc::bad_request);
  wrong.cursor.clear();
  wrong.sort = "random";
  CAF_CHECK(!call<video_page>(list_videos_atom::value, wrong));
}

CAF_TEST(videos left processing are probed again when the role starts) {
  insert_row("0bb0", "processing", "left.webm");
  auto first_role = role;
  role = start_role();
  run();
  auto resumed = store->find("0bb0");
  CAF_REQUIRE(resumed.has_value());
  CAF_CHECK_EQUAL(resumed->status, "ready");
}

CAF_TEST(container sniffing knows MP4 MOV WebM and Matroska) {
  CAF_CHECK_EQUAL(detect_container(std::string("\0\0\0\x18" "ftypisom", 12)),
                  "video/mp4");
  CAF_CHECK_EQUAL(detect_container(std::string("\0\0\0\x14" "ftypqt  ", 12)),
                  "video/quicktime");
  CAF_CHECK_EQUAL(detect_container("\x1A\x45\xDF\xA3\x9F\x42\x82\x84webm"),
                  "video/webm");
  CAF_CHECK_EQUAL(detect_container("\x1A\x45\xDF\xA3\x9F\x42\x82\x88matroska"),
                  "video/x-matroska");
  CAF_CHECK_EQUAL(detect_container("hello, this is text pretending"), "");
}

CAF_TEST_FIXTURE_SCOPE_END()
