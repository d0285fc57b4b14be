#define CAF_SUITE activity_relay

// A node's activity relay against a stand-in analytics role that answers
// only when the test says so: events are kept until acknowledged, resent
// after a timeout or an error, and only position samples are dropped.
#include <caf/test/dsl.hpp>

#include "actors/analytics/activity_relay.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"

using namespace streamify;
using namespace streamify::analytics;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { streamify::add_message_types(*this); }
};

using answer_atom = caf::atom_constant<caf::atom("t_answer")>;

// What the stand-in received; each request's promise waits for the test,
// which has the stand-in deliver it.
struct analytics_log {
  std::vector<relayed_activity> received;
  std::vector<caf::typed_response_promise<bool>> answers;
};

caf::behavior stand_in_analytics(caf::event_based_actor* self,
                                 std::shared_ptr<analytics_log> log) {
  return {
    [self, log](relayed_atom, relayed_activity& batch) -> caf::result<bool> {
      log->received.push_back(batch);
      log->answers.push_back(self->make_response_promise<bool>());
      return log->answers.back();
    },
    [log](answer_atom, int32_t request, bool committed) {
      auto& answer = log->answers.at(static_cast<size_t>(request));
      if (committed)
        answer.deliver(true);
      else
        answer.deliver(
          fail(errc::unavailable, "analytics_unavailable", "down"));
    },
  };
}

activity_event sample(const std::string& session, int64_t position_s) {
  return {"position", session, "v1", "ann", "carl", "", "", 0, 100'000,
          position_s * 1000, position_s * 1000, false, false};
}

activity_event session_event(const std::string& session) {
  return {"session", session, "v1", "ann", "carl", "", "", 0, 100'000,
          0, 0, true, false};
}

std::vector<std::string> ids_and_positions(const relayed_activity& batch) {
  std::vector<std::string> out;
  for (const auto& e : batch.events)
    out.push_back(e.kind == "position"
                    ? e.id + "@" + std::to_string(e.position_ms / 1000)
                    : e.id);
  return out;
}

using strings = std::vector<std::string>;

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<analytics_log> log = std::make_shared<analytics_log>();
  activity_relay_settings settings;
  caf::actor analytics;
  activity_relay_actor relay;

  fixture() {
    settings.position_buffer = 3;
    settings.event_buffer = 100;
    settings.batch_max = 100;
    settings.linger = 100ms;
    settings.request_timeout = 1s;
    settings.backoff_min = 200ms;
    settings.backoff_max = 400ms;
    analytics = sys.spawn(stand_in_analytics, log);
  }

  ~fixture() override {
    log->answers.clear(); // they hold the stand-in, which holds the log
    caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(analytics, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start_relay() {
    relay = sys.spawn(activity_relay, settings, analytics, "node-a");
    sched.run();
  }

  void track(activity_event e) {
    self->send(relay, activity_atom::value, std::move(e));
    sched.run();
  }

  // Lets the linger pass: the waiting events go out as one batch.
  void linger() {
    advance_time(settings.linger);
    sched.run();
  }

  void answer(int32_t request, bool committed = true) {
    self->send(analytics, answer_atom::value, request, committed);
    sched.run();
  }

  const activity_relay_state& state() {
    return deref<activity_relay_actor::stateful_base<activity_relay_state>>(
             relay)
      .state;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(activity_relay_tests, fixture)

CAF_TEST(events are kept until acknowledged and resent after a timeout) {
  start_relay();
  self->send(relay, activity_atom::value, session_event("s1"));
  self->send(relay, activity_atom::value, sample("s1", 5));
  expect((activity_atom, activity_event), from(self).to(relay).with(_, _));
  expect((activity_atom, activity_event), from(self).to(relay).with(_, _));
  disallow((relayed_atom, relayed_activity), from(relay).to(analytics));
  advance_time(settings.linger);
  expect((flush_atom), from(relay).to(relay).with(_));
  expect((relayed_atom, relayed_activity),
         from(relay).to(analytics).with(_, _));
  CAF_REQUIRE_EQUAL(log->received.size(), 1u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[0]), (strings{"s1", "s1@5"}));
  CAF_CHECK_EQUAL(log->received[0].relay_id, "node-a");

  // No answer: the batch stays, and goes again after the timeout and the
  // first pause, exactly as it was.
  advance_time(settings.request_timeout);
  sched.run();
  CAF_CHECK_EQUAL(state().pending.events.size(), 2u);
  CAF_CHECK_EQUAL(log->received.size(), 1u);
  advance_time(settings.backoff_min);
  expect((flush_atom), from(relay).to(relay).with(_));
  expect((relayed_atom, relayed_activity),
         from(relay).to(analytics).with(_, _));
  CAF_REQUIRE_EQUAL(log->received.size(), 2u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[1]), (strings{"s1", "s1@5"}));

  // Acknowledged (committed): gone for good.
  self->send(analytics, answer_atom::value, int32_t{1}, true);
  expect((answer_atom, int32_t, bool), from(self).to(analytics).with(_, 1, _));
  expect((bool), from(analytics).to(relay).with(true));
  CAF_CHECK(state().pending.events.empty());
  advance_time(10s);
  sched.run();
  CAF_CHECK_EQUAL(log->received.size(), 2u);
}

CAF_TEST(a refused batch is retried with growing pauses) {
  start_relay();
  track(session_event("s1"));
  linger();
  answer(0, false);
  advance_time(settings.backoff_min);
  sched.run();
  CAF_REQUIRE_EQUAL(log->received.size(), 2u);
  answer(1, false);
  advance_time(settings.backoff_min); // the pause has doubled
  sched.run();
  CAF_CHECK_EQUAL(log->received.size(), 2u);
  advance_time(settings.backoff_min);
  sched.run();
  CAF_REQUIRE_EQUAL(log->received.size(), 3u);
  answer(2);
  CAF_CHECK(state().pending.events.empty());
  // After a success the pause starts small again.
  track(session_event("s2"));
  linger();
  answer(3, false);
  advance_time(settings.backoff_min);
  sched.run();
  CAF_CHECK_EQUAL(log->received.size(), 5u);
}

CAF_TEST(what arrives during a request goes in the next batch) {
  settings.batch_max = 2;
  start_relay();
  track(session_event("s1"));
  linger();
  for (auto id : {"s2", "s3", "s4"})
    track(session_event(id));
  CAF_CHECK_EQUAL(log->received.size(), 1u);
  answer(0);
  CAF_REQUIRE_EQUAL(log->received.size(), 2u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[1]), (strings{"s2", "s3"}));
  answer(1);
  CAF_REQUIRE_EQUAL(log->received.size(), 3u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[2]), (strings{"s4"}));
  answer(2);
  CAF_CHECK_EQUAL(log->received.size(), 3u);
}

CAF_TEST(samples beyond the bound drop the oldest and other kinds stay) {
  start_relay();
  track(session_event("s1"));
  linger(); // in flight, unanswered: analytics is down
  for (int i = 1; i <= 7; ++i) {
    track(sample("s1", i));
    if (i % 2 == 0)
      track(session_event("s" + std::to_string(i)));
  }
  CAF_CHECK_EQUAL(state().positions.size(), 3u);
  CAF_CHECK_EQUAL(state().events.size(), 3u);
  CAF_CHECK_EQUAL(state().pending.positions_dropped, 4);
  advance_time(settings.request_timeout);
  sched.run();
  advance_time(settings.backoff_min);
  sched.run();
  CAF_REQUIRE_EQUAL(log->received.size(), 2u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[1]), (strings{"s1"}));
  CAF_CHECK_EQUAL(log->received[1].positions_dropped, 4);
  answer(1);
  CAF_REQUIRE_EQUAL(log->received.size(), 3u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[2]),
                  (strings{"s2", "s4", "s6", "s1@5", "s1@6", "s1@7"}));
  CAF_CHECK_EQUAL(log->received[2].positions_dropped, 4);
  CAF_CHECK_EQUAL(log->received[2].events_dropped, 0);
}

CAF_TEST(events beyond the large cap are counted as lost) {
  settings.event_buffer = 2;
  start_relay();
  track(session_event("s1"));
  linger();
  for (auto id : {"s2", "s3", "s4"})
    track(session_event(id));
  CAF_CHECK_EQUAL(state().pending.events_dropped, 1);
  answer(0);
  CAF_REQUIRE_EQUAL(log->received.size(), 2u);
  CAF_CHECK_EQUAL(ids_and_positions(log->received[1]), (strings{"s2", "s3"}));
  CAF_CHECK_EQUAL(log->received[1].events_dropped, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
