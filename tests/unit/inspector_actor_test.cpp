#define CAF_SUITE inspector_actor

#include "nodes/inspector_actor.hpp"

#include <caf/test/dsl.hpp>

#include "actors/common/errc.hpp"
#include "actors/common/message_types.hpp"

using namespace streamify;
using namespace streamify::node;

namespace {

struct test_config : caf::actor_system_config {
  test_config() {
    streamify::add_message_types(*this);
  }
};

struct fixture : test_coordinator_fixture<test_config> {
  admin::inspector_actor inspector;

  fixture() {
    inspector_settings s;
    s.name = "n1";
    s.secret = "right";
    s.roles = {"gateway"};
    s.admin_endpoint = "127.0.0.1:7190";
    s.build = "test-build";
    inspector
      = sys.spawn(node::inspector, s, inspector_roles{},
                  std::make_shared<manual_clock>(1'800'000'000'000));
    sched.run();
  }

  ~fixture() override {
    anon_send_exit(inspector, caf::exit_reason::user_shutdown);
    sched.run();
  }

  template <class T, class... Ts>
  caf::expected<T> ask(Ts&&... xs) {
    auto pending = self->request(inspector, std::chrono::seconds(5),
                                 std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> out = caf::error{};
    pending.receive([&](T& x) { out = std::move(x); },
                    [&](caf::error& err) { out = std::move(err); });
    return out;
  }
};

std::string machine_code(const caf::error& err) {
  return err.context().match_element<std::string>(0)
           ? err.context().get_as<std::string>(0)
           : "";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(inspector_actor_tests, fixture)

CAF_TEST(a wrong secret is refused before anything else) {
  for (auto secret : {"wrong", "", "righ", "right!"}) {
    auto info = ask<admin::node_info>(admin::node_info_atom::value,
                                      std::string{secret}, false);
    CAF_REQUIRE(!info);
    CAF_CHECK_EQUAL(info.error().code(), static_cast<uint8_t>(errc::forbidden));
    CAF_CHECK_EQUAL(machine_code(info.error()), "wrong_admin_secret");
  }
}

CAF_TEST(node info and actors come from the node itself) {
  auto info = ask<admin::node_info>(admin::node_info_atom::value,
                                    std::string{"right"}, true);
  CAF_REQUIRE(info);
  CAF_CHECK_EQUAL(info->name, "n1");
  CAF_CHECK_EQUAL(info->build, "test-build");
  CAF_CHECK_EQUAL(info->admin_endpoint, "127.0.0.1:7190");
  CAF_CHECK(info->peers.empty());
  auto actors = ask<admin::actor_report>(admin::actors_atom::value,
                                         std::string{"right"},
                                         std::string{"messages"}, int64_t{5});
  CAF_REQUIRE(actors);
  CAF_CHECK_EQUAL(actors->counts.at("inspector"), 1);
  auto bad = ask<admin::actor_report>(admin::actors_atom::value,
                                      std::string{"right"},
                                      std::string{"size"}, int64_t{5});
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(machine_code(bad.error()), "invalid_ranking");
}

CAF_TEST(commands for roles hosted elsewhere say so) {
  auto wallet = ask<admin::wallet_report>(admin::wallet_info_atom::value,
                                          std::string{"right"},
                                          std::string{"u1"});
  CAF_REQUIRE(!wallet);
  CAF_CHECK_EQUAL(machine_code(wallet.error()), "role_not_hosted");
  auto ended = ask<streaming::session_view>(admin::end_session_atom::value,
                                            std::string{"right"},
                                            std::string{"s1"});
  CAF_REQUIRE(!ended);
  CAF_CHECK_EQUAL(machine_code(ended.error()), "role_not_hosted");
  auto report = ask<persistence::reconcile_report>(
    admin::reconcile_atom::value, std::string{"right"});
  CAF_REQUIRE(!report);
  CAF_CHECK_EQUAL(machine_code(report.error()), "role_not_hosted");
}

CAF_TEST_FIXTURE_SCOPE_END()
