#define CAF_SUITE analytics_repository

// The PostgreSQL analytics store under what an activity relay does: the same
// events resent, and events applied late and out of order. Every report
// (rollups, unique viewers, retention, platform totals) stays the same.
#include "persistence/analytics/analytics_repository.hpp"

#include <algorithm>

#include <caf/deep_to_string.hpp>
#include <caf/test/unit_test.hpp>

#include "actors/analytics/messages.hpp"
#include "persistence/common/migrations.hpp"
#include "tests/support/test_node.hpp"

using namespace streamify::persistence;
using namespace streamify::test;

namespace {

constexpr int64_t t0 = 1'800'000'000'000;
const day_range today{day_of(t0), day_of(t0)};

activity_event watched(const std::string& kind, const std::string& session,
                       const std::string& viewer, int64_t at_s, bool view,
                       bool ended) {
  return {kind, session, "v1", viewer, "carl", "Clip", "", t0, 100'000,
          at_s * 1000, at_s * 1000, view, ended};
}

// Every kind of event, in the order the roles report them.
std::vector<activity_event> every_kind() {
  return {
    {"user", "carl", "", "", "", "", "creator", 0, 0, 0, 0, false, false},
    {"user", "ann", "", "", "", "", "viewer", 0, 0, 0, 0, false, false},
    {"user", "bob", "", "", "", "", "viewer", 0, 0, 0, 0, false, false},
    {"video", "v1", "", "", "carl", "Clip", "", 0, 100'000, 0, 0, false,
     false},
    {"video", "v2", "", "", "carl", "Gone", "", 0, 50'000, 0, 0, false, false},
    watched("session", "s1", "ann", 0, false, false),
    watched("position", "s1", "ann", 20, false, false),
    watched("session", "s1", "ann", 30, true, false),
    watched("position", "s1", "ann", 45, true, false),
    watched("session", "s1", "ann", 50, true, true),
    watched("session", "s2", "bob", 0, false, false),
    watched("position", "s2", "bob", 12, false, false),
    watched("session", "s2", "bob", 15, false, true),
    watched("session", "s3", "carl", 40, false, true), // the owner
    {"video", "v2", "", "", "carl", "", "", 0, 50'000, 0, 0, false, true},
  };
}

money_event charge(const std::string& tx, const std::string& session,
                   const std::string& viewer, int64_t minute) {
  return {tx, "charge", viewer, "carl", session, "v1", minute, 10, 8, 2, t0};
}

std::string reports(analytics_repository& repo) {
  return caf::deep_to_string(repo.creator("carl", today)) + "\n"
         + caf::deep_to_string(repo.video("v1", today)) + "\n"
         + caf::deep_to_string(repo.platform());
}

} // namespace

CAF_TEST(resent and reordered events change no report) {
  test_databases dbs;
  migrate(dbs.url("analytics"), "analytics", analytics_migrations());
  analytics_repository repo{dbs.url("analytics")};
  std::vector<money_event> money{charge("c1", "s1", "ann", 0),
                                 charge("c2", "s1", "ann", 1)};

  repo.apply({money, every_kind(), "2"});
  auto expected = reports(repo);
  auto v = repo.video("v1", today);
  CAF_CHECK_EQUAL(v.totals.views, 1);
  CAF_CHECK_EQUAL(v.totals.unique_viewers, 1);
  CAF_CHECK_EQUAL(v.totals.watched_ms, 65'000);
  CAF_CHECK_EQUAL(v.totals.revenue_cents, 16);
  CAF_CHECK_EQUAL(v.retention,
                  (std::vector<int64_t>{2, 2, 1, 1, 1, 1, 0, 0, 0, 0}));
  auto p = repo.platform();
  CAF_CHECK_EQUAL(p.viewers, 2);
  CAF_CHECK_EQUAL(p.creators, 1);
  CAF_CHECK_EQUAL(p.videos, 1);
  CAF_CHECK_EQUAL(p.sessions, 3);

  // A batch resent whole, as after a lost acknowledgement.
  repo.apply({money, every_kind(), "2"});
  CAF_CHECK_EQUAL(reports(repo), expected);

  // From nothing again: late, backwards, one event per transaction, and
  // all resent at the end.
  dbs.query("analytics", "TRUNCATE money, sessions, views, users, videos,"
                         " video_day, outbox_cursor");
  auto events = every_kind();
  std::reverse(events.begin(), events.end());
  for (const auto& e : events)
    repo.apply({{}, {e}, ""});
  repo.apply({money, {}, "2"});
  repo.apply({{}, events, ""});
  CAF_CHECK_EQUAL(reports(repo), expected);
}
