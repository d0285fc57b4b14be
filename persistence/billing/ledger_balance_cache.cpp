#include "persistence/billing/ledger_balance_cache.hpp"

namespace streamify::persistence {

namespace {

// Accounts remembered as existing (a creator or the platform's revenue, in
// every batch).
constexpr size_t max_known_credited = 1'000'000;

// Balances kept of the accounts a writer debits.
constexpr size_t max_own_balances = 200'000;

} // namespace

void ledger_balance_cache::committed(
  std::unordered_set<std::string> credited,
  const std::vector<ledger_sql::account_after>& after) {
  if (credited_.size() > max_known_credited)
    credited_.clear();
  credited_.merge(credited);
  if (own_.size() > max_own_balances)
    own_.clear();
  for (const auto& a : after) {
    if (credited_.count(a.id) || is_system_account(a.id))
      continue;
    // Users who earn are paid by other writers too: read them each batch.
    if (a.earned_cents != 0)
      own_.erase(a.id);
    else
      own_[a.id] = account_state{"user", a.balance_cents, 0, 0, a.owner_epoch};
  }
}

} // namespace streamify::persistence
