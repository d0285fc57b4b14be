#define CAF_SUITE actor_stats

#include "actors/common/actor_stats.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/test/dsl.hpp>

#include "nodes/inspector_views.hpp"

using namespace streamify;

namespace {

using poke_atom = caf::atom_constant<caf::atom("poke")>;

struct recorder_state {
  actor_stats::handle stats;
  static inline const char* name = "recorder";
};

caf::behavior recorder(caf::stateful_actor<recorder_state>* self,
                       actor_stats* table) {
  self->state.stats = table->enroll("recorder", "r1");
  self->state.stats.label("colour", "blue");
  return {
    [self](poke_atom) { record_message(self->state.stats, self); },
  };
}

const actor_sample* find(const std::vector<actor_sample>& all,
                         const std::string& id) {
  for (const auto& s : all)
    if (s.id == id)
      return &s;
  return nullptr;
}

actor_sample sample(std::string kind, std::string id, int64_t mailbox,
                    int64_t handled) {
  return actor_sample{std::move(kind), std::move(id), mailbox, handled, 0, {}};
}

struct fixture : test_coordinator_fixture<> {
  actor_stats table;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(actor_stats_tests, fixture)

CAF_TEST(an actor samples its own mailbox and leaves the table on exit) {
  auto r = sys.spawn(recorder, &table);
  sched.run();
  CAF_REQUIRE_EQUAL(table.size(), 1u);
  for (int i = 0; i < 3; ++i)
    self->send(r, poke_atom::value);
  expect((poke_atom), from(self).to(r));
  auto after_one = table.samples();
  CAF_REQUIRE_EQUAL(after_one.size(), 1u);
  CAF_CHECK_EQUAL(after_one[0].kind, "recorder");
  CAF_CHECK_EQUAL(after_one[0].handled, 1);
  CAF_CHECK_EQUAL(after_one[0].mailbox, 2); // two pokes still waiting
  CAF_CHECK_EQUAL(after_one[0].labels.at("colour"), "blue");
  sched.run();
  auto drained = table.samples();
  CAF_CHECK_EQUAL(drained[0].handled, 3);
  CAF_CHECK_EQUAL(drained[0].mailbox, 0);
  CAF_CHECK(table.contains("recorder", "r1"));
  anon_send_exit(r, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(table.size(), 0u);
  CAF_CHECK(!table.contains("recorder", "r1"));
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(ranking counts kinds and keeps the busiest) {
  std::vector<actor_sample> all{sample("session", "a", 5, 10),
                                sample("session", "b", 0, 99),
                                sample("wallet", "u", 7, 1),
                                sample("billing", "billing", 1, 50)};
  auto by_mailbox = node::rank_actors(all, "mailbox", 2);
  CAF_CHECK_EQUAL(by_mailbox.counts.at("session"), 2);
  CAF_CHECK_EQUAL(by_mailbox.counts.at("wallet"), 1);
  CAF_REQUIRE_EQUAL(by_mailbox.top.size(), 2u);
  CAF_CHECK_EQUAL(by_mailbox.top[0].id, "u");
  CAF_CHECK_EQUAL(by_mailbox.top[1].id, "a");
  auto by_messages = node::rank_actors(all, "messages", 10);
  CAF_REQUIRE_EQUAL(by_messages.top.size(), 4u);
  CAF_CHECK_EQUAL(by_messages.top[0].id, "b");
  CAF_CHECK_EQUAL(node::rank_actors(all, "messages", 0).top.size(), 0u);
}

CAF_TEST(sessions filter by viewer and video with their heartbeat age) {
  auto a = sample("session", "s1", 0, 3);
  a.labels = {{"viewer", "v1"}, {"video", "x"}, {"state", "active"},
              {"minutes_paid", "2"}, {"last_heartbeat_ms", "1000"}};
  auto b = sample("session", "s2", 0, 1);
  b.labels = {{"viewer", "v2"}, {"video", "x"}, {"state", "payment_required"},
              {"minutes_paid", "1"}, {"last_heartbeat_ms", "0"}};
  std::vector<actor_sample> all{b, sample("wallet", "v1", 0, 1), a};
  auto every = node::live_sessions(all, "", "", 4500);
  CAF_REQUIRE_EQUAL(every.size(), 2u);
  CAF_CHECK_EQUAL(every[0].id, "s1");
  CAF_CHECK_EQUAL(every[0].minutes_paid, 2);
  CAF_CHECK_EQUAL(every[0].heartbeat_age_ms, 3500);
  CAF_CHECK_EQUAL(every[1].state, "payment_required");
  CAF_CHECK_EQUAL(every[1].heartbeat_age_ms, -1);
  CAF_CHECK_EQUAL(node::live_sessions(all, "v2", "", 0).size(), 1u);
  CAF_CHECK_EQUAL(node::live_sessions(all, "", "x", 0).size(), 2u);
  CAF_CHECK_EQUAL(node::live_sessions(all, "v1", "y", 0).size(), 0u);
}
