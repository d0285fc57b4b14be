#pragma once

#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "persistence/billing/ledger_plan.hpp"
#include "persistence/billing/ledger_store.hpp"

namespace streamify::persistence {

// The ledger in memory, with the same decisions as PostgreSQL (it shares
// plan_batch), for actor tests. Thread-safe; every call is atomic.
class memory_ledger_store final : public ledger_store {
public:
  explicit memory_ledger_store(id_generator make_id);

  wallet_claim claim(const std::string& user_id) override;
  std::vector<movement_outcome>
  apply(const std::vector<movement>& batch) override;
  refund_outcome refund(const refund_command& cmd) override;
  account_summary summary(const std::string& user_id) override;
  entries_page entries(const std::string& user_id, int64_t before,
                       int64_t limit) override;
  std::optional<session_parties>
  parties(const std::string& session_id) override;
  reconcile_report reconcile() override;
  std::vector<outbox_row> read_outbox(const std::string& cursor, int64_t limit,
                                      std::string& next_cursor) override;
  void ping() override;

  // -- Test knobs -------------------------------------------------------------

  // Off: every call throws `unavailable`.
  void set_available(bool up);
  // The next apply commits (or not) and then reports every outcome as
  // status_failed, as when a commit's fate cannot be learnt.
  void fail_next_apply(bool committed);
  // Number of apply calls (one per batch) and of movements written.
  size_t apply_calls() const;
  size_t transactions() const;
  // Overwrites a cached balance, to let reconcile find a difference.
  void corrupt_balance(const std::string& account_id, int64_t balance);

private:
  struct tx_record {
    movement m;
    std::vector<size_t> entries; // indices into entries_
  };
  struct entry_record {
    std::string transaction_id;
    std::string account_id;
    std::string kind;
    int64_t amount_cents;
    int64_t balance_after_cents;
  };

  void check() const;
  std::vector<movement_outcome> apply_locked(const std::vector<movement>& batch);
  void write(const std::vector<movement>& batch, const batch_plan& plan);
  stored_key stored_of(const tx_record& tx) const;

  id_generator make_id_;
  mutable std::mutex mtx_;
  bool available_ = true;
  int fail_next_ = -1; // -1 none, 0 without commit, 1 with commit
  size_t apply_calls_ = 0;
  std::map<std::string, account_state> accounts_;
  std::vector<tx_record> txs_;
  std::unordered_map<std::string, size_t> by_key_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, std::string> reversed_by_; // charge -> refund
  std::vector<entry_record> entries_;
  std::vector<std::string> outbox_; // transaction ids
  struct request_record {
    std::string fingerprint;
    std::string session_id;
  };
  std::map<std::string, request_record> refund_requests_;
};

} // namespace streamify::persistence
