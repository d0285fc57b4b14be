#pragma once

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "persistence/billing/ledger_plan.hpp"
#include "persistence/common/pg_connection.hpp"

// The SQL of one ledger batch, shared by ledger_repository's apply and refund:
// reading the stored keys and the accounts, then writing a plan.
namespace streamify::persistence::ledger_sql {

// The batch met a concurrent writer (a key or a reversal committed since it
// was read, or an account changed under it): roll back and plan again.
struct batch_race : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::unordered_map<std::string, stored_key>
load_stored(pqxx::transaction_base& txn, const std::vector<std::string>& keys);

// The lock every transaction that changes several accounts takes before its
// first row lock, held to its end: such transactions then never wait for each
// other's rows in opposite orders (no deadlocks), whatever order their
// statements visit the rows in. A claim of one wallet changes one row and
// waits for nothing else, so it does not take it. Costs no WAL, unlike a
// row lock taken ahead of the update.
void lock_accounts_table(pqxx::transaction_base& txn);

// The accounts of a batch, created when missing: locked (pessimistic: under
// lock_accounts_table), or read without locks (optimistic, see write_plan).
std::unordered_map<std::string, account_state>
lock_accounts(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
              bool lock = true);

// The accounts a batch only credits (and the system accounts, which have no
// floor), none of them the subject of a movement: other writers credit them
// too (creators, the platform's revenue), so their balance is only learnt at
// the end, under their row locks. The plan counts their entries from 0.
std::unordered_set<std::string>
credited_accounts(const std::vector<movement>& batch,
                  const std::unordered_map<std::string, stored_key>& stored);

// Writes the applied movements of a plan (`txn` runs on `link`): the transactions (the outbox is a
// view of them) and entries by COPY (the cheapest way into PostgreSQL: a unique key that was
// committed meanwhile fails the COPY, and the batch is planned again), then
// the conditional account updates. Throws batch_race when the database
// disagrees with the plan (the transaction must then be rolled back).
//
// The entries of `credited` accounts (planned from 0, see credited_accounts)
// are written last: after lock_accounts_table and the account update have
// locked every row of the batch and returned their balances. Until then the
// transaction holds no lock, so writers on other connections overlap
// everything but that tail and the commit.
//
// Returns every account of the batch as the update left it.
struct account_after {
  std::string id;
  int64_t balance_cents = 0;
  int64_t owner_epoch = 0;
  int64_t earned_cents = 0;
};
std::vector<account_after>
write_plan(pg_link& link, pqxx::transaction_base& txn,
           const std::vector<movement>& batch,
           const batch_plan& plan, bool accounts_locked,
           const std::unordered_set<std::string>& credited = {});

} // namespace streamify::persistence::ledger_sql
