#define CAF_SUITE catalog_transcode

#include "tests/unit/catalog_fixture.hpp"

using namespace streamify;
using namespace streamify::catalog;
using namespace streamify::catalog_test;

CAF_TEST_FIXTURE_SCOPE(catalog_transcode_tests, fixture)

CAF_TEST(a failed transcode leaves the video failed with its reason) {
  transcode_result bad;
  bad.failure_reason = "the video could not be converted for playback";
  transcoder = sys.spawn(fake_transcoder, bad);
  auto first_role = role;
  role = start_role();
  run();
  auto v = create("ann", "Undecodable");
  auto seen = call<video_info>(get_video_atom::value, v.id, std::string{"ann"});
  CAF_REQUIRE(seen);
  CAF_CHECK_EQUAL(seen->status, "failed");
  CAF_CHECK_EQUAL(seen->failure_reason,
                  "the video could not be converted for playback");
  CAF_CHECK(seen->renditions.empty());
}

CAF_TEST(uploads wait in upload order for the one transcode slot) {
  auto held = std::make_shared<held_jobs>();
  transcoder = sys.spawn(holding_transcoder, held);
  auto first_role = role;
  role = start_role();
  sched.run();
  // sched.run(), not run(): run() would fire the transcode timeouts too.
  for (auto title : {"First", "Second", "Third"}) {
    self->send(role, create_video_atom::value, upload("ann", title));
    sched.run();
    clk->advance_ms(1000);
  }
  auto title_of = [&](size_t i) {
    return store->find(held->at(i).first.video_id)->title;
  };
  auto status_of = [&](size_t i) {
    return store->find(held->at(i).first.video_id)->status;
  };
  auto finish_oldest = [&] {
    self->send(transcoder, transcode_atom::value, transcode_job{});
    sched.run();
  };
  CAF_REQUIRE_EQUAL(held->size(), 1u);
  CAF_CHECK_EQUAL(title_of(0), "First");
  CAF_CHECK_EQUAL(held->at(0).first.duration_ms, 3000);
  finish_oldest();
  CAF_REQUIRE_EQUAL(held->size(), 2u);
  CAF_CHECK_EQUAL(title_of(1), "Second");
  CAF_CHECK_EQUAL(status_of(0), "ready");
  CAF_CHECK_EQUAL(status_of(1), "processing");
  finish_oldest();
  CAF_REQUIRE_EQUAL(held->size(), 3u);
  CAF_CHECK_EQUAL(title_of(2), "Third");
  finish_oldest();
  CAF_CHECK_EQUAL(status_of(2), "ready");
}

CAF_TEST(ready videos without a ladder get one and stay ready) {
  insert_row("0cc0", "ready", "old.webm");
  auto first_role = role;
  role = start_role();
  run();
  auto done = store->find("0cc0");
  CAF_REQUIRE(done.has_value());
  CAF_CHECK_EQUAL(done->status, "ready");
  CAF_CHECK_EQUAL(done->renditions.size(), 2u);
  CAF_CHECK_EQUAL(done->processing_progress, 0); // backfills report nothing
}

CAF_TEST(deleting a video removes its original thumbnail and ladder) {
  auto v = create("ann", "Laddered");
  auto hls = hls_dir(paths, v.id);
  std::filesystem::create_directories(hls + "/240p");
  std::filesystem::create_directories(hls + ".tmp/360p");
  std::ofstream{hls + "/master.m3u8"} << "#EXTM3U\n";
  std::ofstream{paths.thumbnails_dir + "/" + thumbnail_name(v.id)} << "jpg";
  auto gone = call<bool>(delete_video_atom::value, v.id, std::string{"ann"});
  CAF_REQUIRE(gone);
  CAF_CHECK(!std::filesystem::exists(paths.videos_dir + "/" + v.file_name));
  CAF_CHECK(!std::filesystem::exists(paths.thumbnails_dir + "/"
                                     + thumbnail_name(v.id)));
  CAF_CHECK(!std::filesystem::exists(hls));
  CAF_CHECK(!std::filesystem::exists(hls + ".tmp"));
}

CAF_TEST_FIXTURE_SCOPE_END()
