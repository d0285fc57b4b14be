#include "nodes/admin_worker.hpp"

#include <chrono>
#include <thread>

#include "actors/common/errc.hpp"
#include "persistence/billing/ledger_repository.hpp"

namespace streamify::node {

admin_worker_actor::behavior_type admin_worker(std::string billing_db) {
  return {
    [billing_db](admin::reconcile_atom)
      -> caf::result<persistence::reconcile_report> {
      try {
        return persistence::reconcile_ledger(billing_db);
      } catch (const std::exception& e) {
        return fail(errc::unavailable, "ledger_unreachable",
                    std::string{"cannot check the ledger: "} + e.what());
      }
    },
    [](admin::passivate_wallet_atom, const std::string& user_id,
       int64_t wait_ms) {
      auto deadline = std::chrono::steady_clock::now()
                      + std::chrono::milliseconds(wait_ms);
      while (actor_stats::node().contains("wallet", user_id)) {
        if (std::chrono::steady_clock::now() >= deadline)
          return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return true;
    },
  };
}

} // namespace streamify::node
