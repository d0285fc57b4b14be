#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "persistence/billing/ledger_batch_sql.hpp"
#include "persistence/billing/ledger_plan.hpp"

namespace streamify::persistence {

// What one ledger writer knows of accounts between its batches, so that a
// batch in steady state reads no account at all:
// - the accounts it has credited exist (accounts are never deleted), so a
//   batch credits them without reading them;
// - the balance and epoch of each account it debits, as its last commit left
//   them: only this writer debits them (other writers only credit them;
//   another node that takes a wallet over moves its epoch on, which the
//   batch's conditional update catches), so a wrong value costs a rolled
//   back batch, never a wrong row. Users who earn are left out (other writers
//   credit them all the time).
class ledger_balance_cache {
public:
  bool known_credited(const std::string& id) const {
    return credited_.count(id) > 0;
  }

  // The balance and epoch of an account this writer debits; null: read it.
  const account_state* own(const std::string& id) const {
    auto i = own_.find(id);
    return i == own_.end() ? nullptr : &i->second;
  }

  void forget(const std::string& id) { own_.erase(id); }
  void forget_all() { own_.clear(); }

  // After a commit: `credited` exist, `after` is every account of the batch
  // as its update left it.
  void committed(std::unordered_set<std::string> credited,
                 const std::vector<ledger_sql::account_after>& after);

private:
  std::unordered_set<std::string> credited_;
  std::unordered_map<std::string, account_state> own_;
};

} // namespace streamify::persistence
