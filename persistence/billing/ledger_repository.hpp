#pragma once

#include "persistence/billing/ledger_balance_cache.hpp"
#include "persistence/billing/ledger_plan.hpp"
#include "persistence/billing/ledger_store.hpp"
#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

// The ledger in streamify_billing. One instance per worker: it owns a
// connection. A batch is one transaction of set-based statements: the keys
// already committed are read (or, for charges, found by a failing COPY), the
// touched accounts read (optimistically without locks; after a race, locked
// in id order, which keeps writers free of deadlocks), every movement
// decided in order, then the transactions (which are the outbox rows too)
// and the entries of the debited accounts (COPY), the conditional account
// updates (`balance + delta >= 0 AND owner_epoch = epoch`, each proving its
// balance ends where the plan said) and last the entries of the accounts the
// batch only credits (creators, revenue: their balances come back from the
// update) are written and committed together. Only that tail holds row
// locks, so writers on several connections overlap the rest.
//
// A lost connection or an in-doubt commit is never retried blindly: every key
// of the batch is read again and answered from what is there; keys that are
// not there are answered status_failed.
class ledger_repository final : public ledger_store {
public:
  ledger_repository(std::string url, id_generator make_id);

  wallet_claim claim(const std::string& user_id) override;
  std::vector<wallet_claim>
  claim_many(const std::vector<std::string>& user_ids) override;
  std::vector<movement_outcome>
  apply(const std::vector<movement>& batch) override;
  refund_outcome refund(const refund_command& cmd) override;
  account_summary summary(const std::string& user_id) override;
  entries_page entries(const std::string& user_id, int64_t before,
                       int64_t limit) override;
  std::optional<session_parties>
  parties(const std::string& session_id) override;
  reconcile_report reconcile() override;
  void ping() override;

  // The cursor is "<txid>:<seq>"; rows are handed out only once their
  // transaction and every older one have ended.
  std::vector<outbox_row> read_outbox(const std::string& cursor, int64_t limit,
                                      std::string& next_cursor) override;

private:
  std::vector<movement_outcome> apply_once(pg_link& c,
                                           const std::vector<movement>& batch,
                                           bool check_keys, bool optimistic);
  std::vector<movement_outcome> resolve(const std::vector<movement>& batch);
  refund_outcome refund_once(pg_link& c, const refund_command& cmd);

  pg_connection db_;
  id_generator make_id_;
  int checked_batches_left_ = 0; // batches that read their keys first
  int locked_batches_left_ = 0;  // batches that lock their accounts first
  ledger_balance_cache balances_;
};

// Runs reconcile against one database URL (operators, tests, the inspector).
reconcile_report reconcile_ledger(const std::string& url);

} // namespace streamify::persistence
