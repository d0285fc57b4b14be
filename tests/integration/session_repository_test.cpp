#define CAF_SUITE session_repository

#include "persistence/streaming/session_repository.hpp"

#include <caf/test/unit_test.hpp>

#include "persistence/common/migrations.hpp"
#include "tests/integration/shared_node.hpp"

using namespace streamify::persistence;
using namespace streamify::test;

namespace {

session_row row(const std::string& id, const std::string& viewer,
                int64_t started_ms) {
  session_row r;
  r.id = id;
  r.viewer_id = viewer;
  r.video_id = "video-1";
  r.owner_id = "owner-1";
  r.title = "A title with 'quotes'";
  r.duration_ms = 600'000;
  r.price_cents = 25;
  r.fee_bps = 2000;
  r.started_at_ms = started_ms;
  r.last_heartbeat_ms = started_ms;
  r.minutes_paid = 1;
  r.charged_cents = 25;
  r.balance_cents = 975;
  return r;
}

} // namespace

CAF_TEST(sessions round-trip through PostgreSQL and page newest first) {
  auto url = shared_databases().url("streaming");
  migrate(url, "streaming", streaming_migrations());
  session_repository repo{url};
  auto viewer = unique_email("repo");
  auto a = row(viewer + "-a", viewer, 1'000);
  auto b = row(viewer + "-b", viewer, 2'000);
  repo.save(a);
  repo.save(b);
  b.state = "payment_required";
  b.billed_ms = 60'000;
  b.position_ms = 61'500;
  b.playing = true;
  b.last_seq = 7;
  b.view_counted = true;
  repo.save(b);
  auto found = repo.find(b.id);
  CAF_REQUIRE(found.has_value());
  CAF_CHECK_EQUAL(found->state, "payment_required");
  CAF_CHECK_EQUAL(found->billed_ms, 60'000);
  CAF_CHECK_EQUAL(found->position_ms, 61'500);
  CAF_CHECK_EQUAL(found->last_seq, 7);
  CAF_CHECK(found->playing);
  CAF_CHECK(found->view_counted);
  CAF_CHECK_EQUAL(found->title, "A title with 'quotes'");
  CAF_CHECK_EQUAL(found->ended_at_ms, 0);
  CAF_CHECK_EQUAL(found->end_reason, "");
  a.state = "ended";
  a.end_reason = "timeout";
  a.ended_at_ms = 31'000;
  repo.save(a);
  auto ended = repo.find(a.id);
  CAF_REQUIRE(ended.has_value());
  CAF_CHECK_EQUAL(ended->ended_at_ms, 31'000);
  CAF_CHECK_EQUAL(ended->end_reason, "timeout");
  bool b_live = false, a_live = false;
  for (const auto& r : repo.live()) {
    b_live = b_live || r.id == b.id;
    a_live = a_live || r.id == a.id;
  }
  CAF_CHECK(b_live);
  CAF_CHECK(!a_live);
  auto first = repo.by_viewer(viewer, 1, std::nullopt);
  CAF_REQUIRE_EQUAL(first.size(), 1u);
  CAF_CHECK_EQUAL(first[0].id, b.id);
  auto rest = repo.by_viewer(viewer, 5,
                             history_cursor{first[0].started_at_ms,
                                            first[0].id});
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK_EQUAL(rest[0].id, a.id);
  CAF_CHECK(!repo.find("missing").has_value());
}
