#pragma once

// Shared by the billing DSL tests: the in-memory ledger, a manual clock,
// counting transaction ids and one request run to completion.
#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include <caf/test/dsl.hpp>

#include "actors/billing/billing_actor.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/message_types.hpp"
#include "persistence/billing/memory_ledger_store.hpp"
#include "tests/unit/request_and_run.hpp"

namespace streamify::billing_test {

struct test_config : caf::actor_system_config {
  test_config() {
    streamify::add_message_types(*this);
  }
};

using router_impl = std::remove_pointer_t<
  billing::billing_router_actor::stateful_pointer<billing::billing_state>>;

struct billing_fixture : test_coordinator_fixture<test_config> {
  int next_id = 0;
  std::shared_ptr<persistence::memory_ledger_store> store
    = std::make_shared<persistence::memory_ledger_store>(
      [this] { return "rev" + std::to_string(++next_id); });
  std::shared_ptr<manual_clock> clk
    = std::make_shared<manual_clock>(1'800'000'000'000);

  // Transaction ids for the wallets: tx1, tx2, ...
  std::function<std::string()> tx_ids() {
    return [this] { return "tx" + std::to_string(++next_id); };
  }

  router_impl& node(const billing::billing_router_actor& h) {
    return deref<router_impl>(h);
  }

  // Sends one request to `to` and runs everything except timers.
  template <class T, class Handle, class... Ts>
  caf::expected<T> call_to(const Handle& to, Ts&&... xs) {
    return streamify::test::request_and_run<T>(self, to, [this] { sched.run(); },
                                               std::forward<Ts>(xs)...);
  }
};

} // namespace streamify::billing_test
