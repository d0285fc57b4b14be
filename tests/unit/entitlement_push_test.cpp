#define CAF_SUITE entitlement_push

// Sessions push each change of state or paid minutes through the streaming
// role to the subscribed listeners (the gateways' entitlement caches).
#include <caf/typed_event_based_actor.hpp>

#include "tests/unit/streaming_fixture.hpp"

using namespace streamify;
using namespace streamify::streaming;
using namespace streamify::streaming_test;

namespace {

using updates = std::vector<entitlement_update>;

entitlement_listener::behavior_type recorder(entitlement_listener::pointer,
                                             std::shared_ptr<updates> seen) {
  return {
    [seen](session_changed_atom, entitlement_update& u) {
      seen->push_back(std::move(u));
    },
  };
}

struct push_fixture : fixture {
  std::shared_ptr<updates> seen = std::make_shared<updates>();
  entitlement_listener listener = sys.spawn(recorder, seen);

  push_fixture() {
    self->send(role, subscribe_atom::value, listener);
    sched.run();
  }

  session_actor session_of(const std::string& id) {
    using role_impl = streaming_actor::stateful_base<streaming_state>;
    return deref<role_impl>(role).state.sessions.at(id).handle;
  }

  int64_t listeners() {
    auto status = call<role_status>(status_atom::value);
    CAF_REQUIRE(status);
    for (const auto& [name, value] : status->gauges)
      if (name == "entitlement_listeners")
        return value;
    CAF_FAIL("no entitlement_listeners gauge");
    return -1;
  }
};

void check_update(const entitlement_update& u, const session_view& s,
                  const std::string& state, int64_t minutes) {
  CAF_CHECK_EQUAL(u.session_id, s.id);
  CAF_CHECK_EQUAL(u.viewer_id, s.viewer_id);
  CAF_CHECK_EQUAL(u.state, state);
  CAF_CHECK_EQUAL(u.minutes_paid, minutes);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(entitlement_push_tests, push_fixture)

CAF_TEST(an end reaches the listener from the session through the role) {
  auto s = started("ann", "paid");
  CAF_REQUIRE_EQUAL(seen->size(), 1u);
  check_update(seen->back(), s, "active", 1);
  auto session = session_of(s.id);
  self->send(role, end_atom::value, s.id, std::string{"ann"});
  expect((end_atom, std::string, std::string), from(self).to(role));
  expect((end_atom), from(self).to(session));
  expect((session_changed_atom, entitlement_update),
         from(session).to(role).with(_, _));
  expect((session_changed_atom, entitlement_update),
         from(role).to(listener).with(_, _));
  CAF_REQUIRE_EQUAL(seen->size(), 2u);
  check_update(seen->back(), s, "ended", 1);
  sched.run();
}

CAF_TEST(payment_required and the paid minute after a deposit are pushed) {
  wallet->balances["cy"] = price;
  auto s = started("cy", "paid");
  CAF_REQUIRE(beat(s, 0, true));
  play(s, 0, 50);
  CAF_CHECK_EQUAL(seen->size(), 1u); // heartbeats within minute 0 push nothing
  wait_ms(15'000);
  CAF_REQUIRE_EQUAL(beat_view(s, 65, true).state, "payment_required");
  CAF_REQUIRE_EQUAL(seen->size(), 2u);
  check_update(seen->back(), s, "payment_required", 1);
  wallet->balances["cy"] += 100;
  wait_ms(10'000);
  CAF_REQUIRE_EQUAL(beat_view(s, 75, true).state, "active");
  CAF_REQUIRE_EQUAL(seen->size(), 3u);
  check_update(seen->back(), s, "active", 2);
}

CAF_TEST(an idle timeout and a deleted video push the end) {
  auto idle = started("ann", "paid");
  auto other = started("ann", "free");
  CAF_REQUIRE_EQUAL(seen->size(), 1u); // the free one has no minute to pay
  self->send(role, catalog::video_deleted_atom::value, std::string{"free"});
  sched.run();
  CAF_REQUIRE_EQUAL(seen->size(), 2u);
  check_update(seen->back(), other, "ended", 0);
  wait_ms(30'000);
  CAF_REQUIRE_EQUAL(seen->size(), 3u);
  check_update(seen->back(), idle, "ended", 1);
}

CAF_TEST(a stopped listener is dropped and a repeated subscription counts once) {
  self->send(role, subscribe_atom::value, listener);
  sched.run();
  CAF_CHECK_EQUAL(listeners(), 1);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(listeners(), 0);
  auto s = started("ann", "paid");
  CAF_CHECK_EQUAL(seen->size(), 0u);
  CAF_CHECK_EQUAL(s.state, "active");
}

CAF_TEST_FIXTURE_SCOPE_END()
