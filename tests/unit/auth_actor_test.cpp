#define CAF_SUITE auth_actor

#include "actors/auth/auth_actor.hpp"

#include <caf/test/dsl.hpp>

#include "actors/auth/auth_worker.hpp"
#include "actors/auth/jwt.hpp"
#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/auth/memory_user_store.hpp"
#include "tests/unit/request_and_run.hpp"

using namespace streamify;
using namespace streamify::auth;

namespace {

struct test_config : caf::actor_system_config {
  test_config() {
    streamify::add_message_types(*this);
  }
};

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<persistence::memory_user_store> store
    = std::make_shared<persistence::memory_user_store>();
  std::shared_ptr<password_hasher> hasher
    = std::make_shared<password_hasher>(1, 8192);
  std::shared_ptr<manual_clock> clk
    = std::make_shared<manual_clock>(1'800'000'000'000);
  auth_settings settings;
  auth_worker_actor worker;
  auth_actor role;

  fixture() {
    settings.jwt_secret = "unit-test-secret";
    settings.queue_limit = 1;
    settings.login_attempts = 3;
    settings.login_window_s = 60;
    worker = sys.spawn(auth_worker, store, hasher, clk);
    role = sys.spawn(auth_role, std::vector<auth_worker_actor>{worker},
                     settings, hasher, clk);
    run();
  }

  template <class T, class... Ts>
  caf::expected<T> call(Ts&&... xs) {
    return streamify::test::request_and_run<T>(self, role, [this] { run(); },
                                               std::forward<Ts>(xs)...);
  }

  auth_result sign_up(const std::string& email, const std::string& role_name
                                                = "viewer") {
    auto r = call<auth_result>(register_atom::value,
                               register_request{email, "correct horse",
                                                "Ann", role_name});
    CAF_REQUIRE(r);
    return *r;
  }

  login_request login(const std::string& email, const std::string& pw) {
    return login_request{email, pw, "127.0.0.1"};
  }
};


} // namespace

CAF_TEST_FIXTURE_SCOPE(auth_actor_tests, fixture)

CAF_TEST(registration goes through one worker and answers with a token) {
  self->send(role, register_atom::value,
             register_request{"Ann@Example.com", "correct horse", "Ann",
                              "creator"});
  expect((register_atom, register_request), from(self).to(role).with(_, _));
  expect((register_atom, register_request), from(role).to(worker).with(_, _));
  expect((user_info), from(worker).to(role).with(_));
  expect((auth_result), from(role).to(self).with(_));
  auto user = store->find_by_email("ann@example.com");
  CAF_REQUIRE(user.has_value());
  CAF_CHECK_EQUAL(user->role, "creator");
  CAF_CHECK_NOT_EQUAL(user->password_hash, "correct horse");
}

CAF_TEST(tokens carry subject and role and expire after the ttl) {
  auto r = sign_up("ann@example.com", "creator");
  auto claims = verify_token(r.token, "unit-test-secret", clk->now_s());
  CAF_REQUIRE(claims.has_value());
  CAF_CHECK_EQUAL(claims->sub, r.user.id);
  CAF_CHECK_EQUAL(claims->role, "creator");
  CAF_CHECK_EQUAL(claims->exp, clk->now_s() + settings.token_ttl_s);
  CAF_CHECK(!verify_token(r.token, "unit-test-secret",
                          clk->now_s() + settings.token_ttl_s));
}

CAF_TEST(emails are unique whatever their letter case) {
  sign_up("ann@example.com");
  auto again = call<auth_result>(register_atom::value,
                                 register_request{"ANN@example.COM", "another pw",
                                                  "Other", "viewer"});
  CAF_REQUIRE(!again);
  CAF_CHECK(again.error() == errc::conflict);
}

CAF_TEST(invalid fields are rejected before any hashing) {
  for (auto req : {register_request{"no-at-sign", "correct horse", "A", "viewer"},
                   register_request{"a@b.com", "short", "A", "viewer"},
                   register_request{"a@b.com", "correct horse", "", "viewer"},
                   register_request{"a@b.com", "correct horse", "A", "admin"}}) {
    auto r = call<auth_result>(register_atom::value, req);
    CAF_REQUIRE(!r);
    CAF_CHECK(r.error() == errc::invalid);
  }
  CAF_CHECK_EQUAL(hasher->verifications(), 0u);
}

CAF_TEST(unknown email and wrong password cost the same and answer the same) {
  sign_up("ann@example.com");
  auto before = hasher->verifications();
  auto wrong = call<auth_result>(login_atom::value,
                                 login("ann@example.com", "wrong password"));
  auto unknown = call<auth_result>(login_atom::value,
                                   login("bob@example.com", "wrong password"));
  CAF_REQUIRE(!wrong);
  CAF_REQUIRE(!unknown);
  CAF_CHECK(wrong.error() == errc::unauthenticated);
  CAF_CHECK_EQUAL(wrong.error(), unknown.error());
  CAF_CHECK_EQUAL(hasher->verifications(), before + 2);
  auto ok = call<auth_result>(login_atom::value,
                              login("ANN@example.com", "correct horse"));
  CAF_CHECK(ok);
}

CAF_TEST(logins per address and email are throttled within the window) {
  sign_up("ann@example.com");
  for (int i = 0; i < 3; ++i)
    CAF_CHECK(!call<auth_result>(login_atom::value,
                                 login("ann@example.com", "wrong password")));
  auto blocked = call<auth_result>(login_atom::value,
                                   login("ann@example.com", "correct horse"));
  CAF_REQUIRE(!blocked);
  CAF_CHECK(blocked.error() == errc::rate_limited);
  auto other = call<auth_result>(login_atom::value,
                                 login_request{"ann@example.com",
                                               "correct horse", "10.0.0.9"});
  CAF_CHECK(other);
  clk->advance_ms(60'000);
  CAF_CHECK(call<auth_result>(login_atom::value,
                              login("ann@example.com", "correct horse")));
}

CAF_TEST(a full queue answers overloaded instead of waiting) {
  sign_up("ann@example.com");
  // The worker is busy with the first, the second waits, the third is refused.
  for (int i = 0; i < 3; ++i)
    self->send(role, login_atom::value,
               login_request{"ann@example.com", "correct horse",
                             "addr" + std::to_string(i)});
  expect((login_atom, login_request), from(self).to(role).with(_, _));
  expect((login_atom, login_request), from(role).to(worker).with(_, _));
  expect((login_atom, login_request), from(self).to(role).with(_, _));
  expect((login_atom, login_request), from(self).to(role).with(_, _));
  expect((caf::error), from(role).to(self).with(_));
  run();
}

CAF_TEST(profile updates check the current password) {
  auto r = sign_up("ann@example.com");
  auto wrong = call<user_info>(update_atom::value,
                               profile_update{r.user.id, caf::none,
                                              std::string{"not it at all"},
                                              std::string{"new password!"}});
  CAF_REQUIRE(!wrong);
  CAF_CHECK(wrong.error() == errc::forbidden);
  auto missing = call<user_info>(update_atom::value,
                                 profile_update{r.user.id, caf::none, caf::none,
                                                std::string{"new password!"}});
  CAF_REQUIRE(!missing);
  CAF_CHECK(missing.error() == errc::invalid);
  auto ok = call<user_info>(update_atom::value,
                            profile_update{r.user.id, std::string{"Annie"},
                                           std::string{"correct horse"},
                                           std::string{"new password!"}});
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->display_name, "Annie");
  CAF_CHECK(!call<auth_result>(login_atom::value,
                               login("ann@example.com", "correct horse")));
  CAF_CHECK(call<auth_result>(login_atom::value,
                              login("ann@example.com", "new password!")));
  auto me = call<user_info>(get_user_atom::value, r.user.id);
  CAF_REQUIRE(me);
  CAF_CHECK_EQUAL(me->display_name, "Annie");
}

CAF_TEST(a store outage answers unavailable and the role stays up) {
  auto r = sign_up("ann@example.com");
  store->set_available(false);
  auto down = call<auth_result>(login_atom::value,
                                login("ann@example.com", "correct horse"));
  CAF_REQUIRE(!down);
  CAF_CHECK(down.error() == errc::unavailable);
  auto status = call<role_status>(status_atom::value);
  CAF_REQUIRE(status);
  CAF_CHECK(!status->ready);
  store->set_available(true);
  CAF_CHECK(call<auth_result>(login_atom::value,
                              login("ann@example.com", "correct horse")));
}

CAF_TEST_FIXTURE_SCOPE_END()
