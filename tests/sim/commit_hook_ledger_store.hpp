#pragma once

#include <functional>
#include <memory>

#include "persistence/billing/memory_ledger_store.hpp"

namespace streamify::sim {

// The in-memory ledger with a hook that runs right after each batch commits
// and before the ledger writer answers anyone: the simulation observes every
// commit there and may kill a wallet between its commit and its reply.
class commit_hook_ledger_store final : public persistence::ledger_store {
public:
  using hook = std::function<void(const std::vector<persistence::movement>&)>;

  commit_hook_ledger_store(std::shared_ptr<persistence::memory_ledger_store> inner,
                           hook after_commit);

  persistence::wallet_claim claim(const std::string& user_id) override;
  std::vector<persistence::movement_outcome>
  apply(const std::vector<persistence::movement>& batch) override;
  persistence::refund_outcome
  refund(const persistence::refund_command& cmd) override;
  persistence::account_summary summary(const std::string& user_id) override;
  persistence::entries_page entries(const std::string& user_id, int64_t before,
                                    int64_t limit) override;
  std::optional<persistence::session_parties>
  parties(const std::string& session_id) override;
  persistence::reconcile_report reconcile() override;
  std::vector<persistence::outbox_row>
  read_outbox(const std::string& cursor, int64_t limit,
              std::string& next_cursor) override;
  void ping() override;

private:
  std::shared_ptr<persistence::memory_ledger_store> inner_;
  hook after_commit_;
};

} // namespace streamify::sim
