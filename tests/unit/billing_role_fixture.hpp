#pragma once

// The billing role on the DSL coordinator: the router, one ledger writer and
// one reader over the in-memory ledger, requests run to completion.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/billing/billing_actor.hpp"
#include "actors/common/errc.hpp"
#include "tests/unit/billing_fixture.hpp"

namespace streamify::billing_test {

using namespace streamify::billing;
namespace p = streamify::persistence;

inline constexpr auto idle = std::chrono::seconds(60);

struct billing_role_fixture : billing_fixture {
  ledger_writer_actor writer;
  ledger_reader_actor reader;
  billing_router_actor role;

  billing_role_fixture() {
    writer = sys.spawn(ledger_writer, store, writer_settings{});
    reader = sys.spawn(ledger_reader, store);
    billing_settings settings;
    settings.wallet.idle = idle;
    // Request timeouts far beyond the idle time, so that moving the clock
    // fires only the timers a test is about.
    settings.wallet.write_timeout = std::chrono::hours(1);
    settings.read_timeout = std::chrono::hours(1);
    role = sys.spawn(billing_role, std::vector<ledger_writer_actor>{writer},
                     std::vector<ledger_reader_actor>{reader}, settings,
                     std::make_shared<sandbox_provider>(), clk, tx_ids());
    sched.run();
  }

  ~billing_role_fixture() override {
    // Passivate every wallet (their idle timers are the only ones left).
    run();
    CAF_CHECK(store->reconcile().ok());
  }

  billing_test::router_impl& router() {
    return node(role);
  }

  // Sends one request to the role and runs everything except timers.
  template <class T, class... Ts>
  caf::expected<T> call(Ts&&... xs) {
    return call_to<T>(role, std::forward<Ts>(xs)...);
  }

  deposit_result deposit(const std::string& user, int64_t amount,
                         const std::string& key) {
    auto r = call<deposit_result>(
      deposit_atom::value,
      deposit_request{user, key, "amount=" + std::to_string(amount), amount});
    CAF_REQUIRE(r);
    return *r;
  }

  static charge_request minute(int64_t index, int64_t price = 100,
                               const std::string& session = "s1") {
    return charge_request{"viewer", "creator", session, "video", index, price,
                          2000};
  }

  caf::expected<charge_result> charge(const charge_request& req) {
    return call<charge_result>(charge_atom::value, req);
  }

  wallet_summary summary(const std::string& user) {
    auto r = call<wallet_summary>(wallet_atom::value, user);
    CAF_REQUIRE(r);
    return *r;
  }

  // Lets the idle time pass and every wallet with nothing in flight go.
  void pass_idle_time() {
    advance_time(idle + std::chrono::seconds(1));
    sched.run();
  }
};

inline std::string machine_code(const caf::error& err) {
  const auto& ctx = err.context();
  return ctx.match_element<std::string>(0) ? ctx.get_as<std::string>(0) : "";
}

} // namespace streamify::billing_test
