#define CAF_SUITE analytics_actor

// The analytics role with an in-memory store and a fake billing outbox:
// money counted once by cursor, relayed activity acknowledged only once
// committed and counted once by id, rollups, retention, the relays' drop
// totals and outbox rows read again after a failure.
#include <caf/test/dsl.hpp>

#include "actors/analytics/analytics_actor.hpp"
#include "actors/analytics/analytics_worker.hpp"
#include "actors/analytics/day_rules.hpp"
#include "actors/billing/messages.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/analytics/memory_analytics_store.hpp"
#include "persistence/common/pg_connection.hpp"

using namespace streamify;
using namespace streamify::analytics;
using persistence::day_of;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { streamify::add_message_types(*this); }
};

constexpr int64_t t0 = 1'800'000'000'000; // 2027-01-15
const int64_t day0 = day_of(t0);

struct fake_outbox {
  std::vector<billing::outbox_event> rows;
  std::vector<std::string> cursors_read;
};

// Cursor = how many rows were handed out, as billing's is opaque text.
caf::behavior fake_billing(caf::event_based_actor*,
                           std::shared_ptr<fake_outbox> o) {
  return {
    [o](billing::outbox_atom, billing::outbox_query& q) {
      o->cursors_read.push_back(q.cursor);
      size_t from = q.cursor.empty() ? 0 : std::stoul(q.cursor);
      billing::outbox_page page;
      for (auto i = from; i < o->rows.size() && page.items.size() < size_t(q.limit); ++i)
        page.items.push_back(o->rows[i]);
      page.next_cursor = page.items.empty()
                           ? q.cursor
                           : std::to_string(from + page.items.size());
      return page;
    },
  };
}

// The memory store, unreachable while `down`.
class flaky_store final : public persistence::analytics_store {
public:
  persistence::memory_analytics_store inner;
  bool down = false;
  std::string outbox_cursor() override { return inner.outbox_cursor(); }
  void apply(const persistence::analytics_batch& b) override {
    if (down)
      throw persistence::unavailable("down");
    inner.apply(b);
  }
  creator_report creator(const std::string& c, day_range r) override {
    return inner.creator(c, r);
  }
  video_report video(const std::string& v, day_range r) override {
    return inner.video(v, r);
  }
  platform_report platform() override { return inner.platform(); }
  void ping() override {}
};

billing::outbox_event charge(std::string tx, std::string session,
                             std::string viewer, int64_t minute,
                             int64_t amount) {
  auto fee = amount / 5;
  return {std::move(tx), "charge",  std::move(viewer), "carl", std::move(session),
          "paid",        minute,    amount,            amount - fee, fee, t0};
}

activity_event session(std::string id, std::string viewer, std::string video,
                       int64_t billed_s, int64_t position_s, bool view,
                       bool ended, const char* kind = "session") {
  return {kind, std::move(id), std::move(video), std::move(viewer), "carl", "",
          "", t0, 100'000, billed_s * 1000, position_s * 1000, view, ended};
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<flaky_store> store = std::make_shared<flaky_store>();
  std::shared_ptr<fake_outbox> outbox = std::make_shared<fake_outbox>();
  analytics_settings settings;
  caf::actor billing;
  analytics_actor role;

  fixture() {
    settings.outbox_page = 2;
    billing = sys.spawn(fake_billing, outbox);
  }

  ~fixture() override {
    caf::anon_send_exit(role, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start_role() {
    if (role)
      caf::anon_send_exit(role, caf::exit_reason::user_shutdown);
    auto worker = sys.spawn(analytics_worker, store);
    role = sys.spawn(analytics_role, settings, billing, worker, worker);
    sched.run();
  }

  void next_poll() {
    advance_time(settings.poll_interval);
    sched.run();
  }

  // What a node's activity relay does: whether analytics acknowledged.
  bool relay(std::vector<activity_event> events, std::string relay_id = "a",
             int64_t positions_dropped = 0) {
    relayed_activity batch{std::move(relay_id), std::move(events),
                           positions_dropped, 0};
    auto pending = self->request(role, caf::infinite, relayed_atom::value,
                                 std::move(batch));
    sched.run();
    bool acknowledged = false;
    pending.receive([&](bool ok) { acknowledged = ok; },
                    [&](caf::error&) { acknowledged = false; });
    return acknowledged;
  }

  template <class T, class... Ts>
  T call(Ts&&... xs) {
    auto pending = self->request(role, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    T out;
    pending.receive([&](T& x) { out = std::move(x); },
                    [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
    return out;
  }

  creator_report carl() {
    return call<creator_report>(creator_atom::value, std::string{"carl"},
                                day_range{day0, day0});
  }

  int64_t gauge(const std::string& name) {
    return call<role_status>(status_atom::value).gauges.at(name);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(analytics_actor_tests, fixture)

CAF_TEST(outbox rows count once and the cursor survives a restart) {
  outbox->rows = {{"d1", "deposit", "ann", "", "", "", -1, 1'000, 0, 0, t0},
                  charge("c1", "s1", "ann", 0, 25),
                  charge("c2", "s1", "ann", 1, 25)};
  start_role(); // a full page of 2, then at once the rest
  CAF_CHECK_EQUAL(store->inner.outbox_cursor(), "3");
  auto r = carl();
  CAF_CHECK_EQUAL(r.totals.views, 1);
  CAF_CHECK_EQUAL(r.totals.unique_viewers, 1);
  CAF_CHECK_EQUAL(r.totals.revenue_cents, 40);
  CAF_CHECK_EQUAL(r.totals.fee_cents, 10);
  CAF_REQUIRE_EQUAL(r.per_video.size(), 1u);
  CAF_CHECK_EQUAL(r.per_video[0].video_id, "paid");
  outbox->rows.push_back({"r1", "refund", "ann", "carl", "s1", "paid", 1, 25,
                          -20, -5, t0});
  outbox->cursors_read.clear();
  start_role();
  CAF_CHECK_EQUAL(outbox->cursors_read.front(), "3");
  r = carl();
  CAF_CHECK_EQUAL(r.totals.revenue_cents, 20);
  CAF_CHECK_EQUAL(r.totals.views, 1);
  auto p = call<platform_report>(platform_atom::value);
  CAF_CHECK_EQUAL(p.deposits_cents, 1'000);
  CAF_CHECK_EQUAL(p.revenue_cents, 25);
  CAF_CHECK_EQUAL(p.fee_cents, 5);
}

CAF_TEST(a view reported twice counts once and retention follows positions) {
  outbox->rows = {charge("c1", "s1", "ann", 0, 25)};
  start_role();
  std::vector<activity_event> batch{
    session("s1", "ann", "paid", 0, 0, true, false),
    session("s1", "ann", "paid", 30, 30, true, false, "position"),
    session("s1", "ann", "paid", 55, 55, true, true),
    session("s1", "ann", "paid", 55, 55, true, true), // resent
    session("s2", "bob", "paid", 100, 100, true, true),
    session("s3", "carl", "paid", 40, 40, false, true), // the owner
    {"user", "ann", "", "", "", "", "viewer", 0, 0, 0, 0, false, false},
    {"video", "paid", "", "", "carl", "Paid", "", 0, 100'000, 0, 0, false,
     false}};
  CAF_CHECK(relay(batch));
  // The whole batch again, as a relay whose acknowledgement was lost sends
  // it, and a late sample from before the end: nothing changes.
  CAF_CHECK(relay(batch));
  CAF_CHECK(relay({session("s1", "ann", "paid", 20, 20, true, false,
                           "position")}));
  next_poll();
  auto v = call<video_report>(video_stats_atom::value, std::string{"paid"},
                              day_range{day0, day0});
  CAF_CHECK_EQUAL(v.totals.views, 2);
  CAF_CHECK_EQUAL(v.totals.unique_viewers, 2);
  CAF_CHECK_EQUAL(v.totals.watched_ms, 155'000);
  CAF_CHECK_EQUAL(v.totals.revenue_cents, 20);
  CAF_CHECK_EQUAL(v.retention,
                  (std::vector<int64_t>{2, 2, 2, 2, 2, 2, 1, 1, 1, 1}));
  auto quiet = call<video_report>(video_stats_atom::value,
                                  std::string{"paid"},
                                  day_range{day0 + 1, day0 + 2});
  CAF_CHECK_EQUAL(quiet.totals.views, 0);
  CAF_CHECK_EQUAL(quiet.retention[0], 0);
  auto p = call<platform_report>(platform_atom::value);
  CAF_CHECK_EQUAL(p.sessions, 3);
  CAF_CHECK_EQUAL(p.watched_ms, 195'000);
  CAF_CHECK_EQUAL(p.viewers, 1);
  CAF_CHECK_EQUAL(p.videos, 1);
}

CAF_TEST(the metrics add up the latest drop totals of every relay) {
  start_role();
  CAF_CHECK(relay({}, "a", 2));
  CAF_CHECK(relay({}, "a", 3));
  CAF_CHECK(relay({}, "b", 4));
  CAF_CHECK_EQUAL(gauge("positions_dropped_total"), 7);
  CAF_CHECK_EQUAL(gauge("events_dropped_total"), 0);
}

CAF_TEST(activity is acknowledged only once committed) {
  store->down = true;
  outbox->rows = {charge("c1", "s1", "ann", 0, 25)};
  start_role();
  CAF_CHECK(!relay({session("s1", "ann", "paid", 10, 10, true, true)}));
  next_poll();
  CAF_CHECK_EQUAL(store->inner.batches_applied, 0);
  CAF_CHECK(gauge("batch_failures_total") >= 2);
  store->down = false;
  CAF_CHECK(relay({session("s1", "ann", "paid", 10, 10, true, true)}));
  CAF_CHECK_EQUAL(gauge("events_applied_total"), 1);
  next_poll();
  CAF_CHECK_EQUAL(store->inner.outbox_cursor(), "1");
  auto r = carl();
  CAF_CHECK_EQUAL(r.totals.views, 1);
  CAF_CHECK_EQUAL(r.totals.revenue_cents, 20);
  CAF_CHECK_EQUAL(r.totals.watched_ms, 10'000);
}

CAF_TEST(report ranges are inclusive UTC days) {
  CAF_CHECK_EQUAL(format_day(day0), "2027-01-15");
  CAF_CHECK_EQUAL(parse_day("2027-01-15").value_or(-1), day0);
  CAF_CHECK(!parse_day("2027-02-29"));
  CAF_CHECK(!parse_day("2027-1-15"));
  CAF_CHECK(!parse_day("2027-01-15x"));
  std::string error;
  auto r = parse_range("", "", day0, error);
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->to_day - r->from_day, 29);
  CAF_CHECK(!parse_range("2027-01-16", "2027-01-15", day0, error));
  CAF_CHECK(!parse_range("2025-01-01", "2027-01-15", day0, error));
  CAF_CHECK(parse_range("2026-01-15", "2027-01-15", day0, error));
  auto days = every_day({{day0 + 1, {1, 1, 0, 0, 0}}}, {day0, day0 + 2});
  CAF_REQUIRE_EQUAL(days.size(), 3u);
  CAF_CHECK_EQUAL(days[1].totals.views, 1);
  CAF_CHECK_EQUAL(days[2].day, day0 + 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
