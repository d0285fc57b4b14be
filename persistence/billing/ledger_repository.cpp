#include "persistence/billing/ledger_repository.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "persistence/billing/ledger_batch_sql.hpp"
#include "persistence/billing/ledger_retry.hpp"
#include "persistence/billing/ledger_statements.hpp"

namespace streamify::persistence {

namespace {

using ledger_sql::credited_accounts;
using ledger_sql::load_stored;
using ledger_sql::lock_accounts;
using ledger_sql::write_plan;

std::vector<movement_outcome> all_failed(size_t n) {
  return std::vector<movement_outcome>(n);
}

} // namespace

ledger_repository::ledger_repository(std::string url, id_generator make_id)
  : db_(std::move(url), ledger_sql::statements()), make_id_(std::move(make_id)) {
}

wallet_claim ledger_repository::claim(const std::string& user_id) {
  if (is_system_account(user_id))
    throw std::invalid_argument("not a user account: " + user_id);
  balances_.forget(user_id); // its epoch moves on
  try {
    return db_.run([&](pqxx::connection_base& c) {
      pqxx::work txn{c};
      auto r = txn.exec_prepared1("ledger_claim", user_id);
      wallet_claim out{r[0].as<int64_t>(), r[1].as<int64_t>()};
      txn.commit();
      return out;
    });
  } catch (const pqxx::in_doubt_error& e) {
    // Moving an epoch on twice is harmless; the wallet claims again.
    db_.reset();
    throw unavailable(e.what());
  }
}

std::vector<wallet_claim>
ledger_repository::claim_many(const std::vector<std::string>& user_ids) {
  if (user_ids.empty())
    return {};
  for (const auto& id : user_ids) {
    if (is_system_account(id))
      throw std::invalid_argument("not a user account: " + id);
    balances_.forget(id); // its epoch moves on
  }
  try {
    return db_.run([&](pqxx::connection_base& c) {
      pqxx::work txn{c};
      ledger_sql::lock_accounts_table(txn);
      std::unordered_map<std::string, wallet_claim> by_id;
      for (const auto& r : txn.exec_prepared("ledger_claim_many",
                                             pg_array(user_ids)))
        by_id[r[0].as<std::string>()]
          = wallet_claim{r[1].as<int64_t>(), r[2].as<int64_t>()};
      if (by_id.size() != user_ids.size())
        throw std::runtime_error("claim_many: ids repeated or not users");
      txn.commit();
      std::vector<wallet_claim> out;
      for (const auto& id : user_ids)
        out.push_back(by_id.at(id));
      return out;
    });
  } catch (const pqxx::in_doubt_error& e) {
    db_.reset();
    throw unavailable(e.what());
  }
}

std::vector<movement_outcome>
ledger_repository::apply_once(pg_link& c,
                              const std::vector<movement>& batch,
                              bool check_keys, bool optimistic) {
  pqxx::work txn{c};
  std::unordered_map<std::string, stored_key> stored;
  if (check_keys)
    stored = load_stored(txn, keys_of(batch));
  auto ids = accounts_to_lock(batch, stored);
  std::unordered_map<std::string, account_state> locked;
  // Optimistic: the accounts the batch only credits are planned from 0 and
  // written at the end, under their row locks (see write_plan); those known
  // to exist (accounts are never deleted) are not even read.
  std::unordered_set<std::string> credited;
  std::unordered_set<std::string> remembered; // planned from balances_
  if (optimistic) {
    credited = credited_accounts(batch, stored);
    std::vector<std::string> unknown;
    for (const auto& id : ids) {
      if (credited.count(id)) {
        if (balances_.known_credited(id))
          locked.emplace(id, account_state{ledger_sql::account_kind(id)});
        else
          unknown.push_back(id);
      } else if (auto b = balances_.own(id)) {
        locked.emplace(id, *b);
        remembered.insert(id);
      } else {
        unknown.push_back(id);
      }
    }
    ids = std::move(unknown);
  }
  if (!ids.empty())
    locked.merge(lock_accounts(txn, ids, !optimistic));
  for (const auto& id : credited)
    locked.at(id).balance_cents = 0;
  auto plan = plan_batch(batch, stored, locked);
  // A remembered balance may be below the real one (someone paid the user
  // since): a charge it refuses is decided again from the database. Above it
  // only after another node took the wallet over and debited it; then the
  // tail's conditional update (epoch, final balance) throws batch_race and
  // the next attempt reads everything.
  std::vector<std::string> recheck;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto status = plan.outcomes[i].status;
    if ((status == status_insufficient || status == status_stale_owner)
        && remembered.count(batch[i].subject_id))
      recheck.push_back(batch[i].subject_id);
  }
  if (!recheck.empty()) {
    std::sort(recheck.begin(), recheck.end());
    recheck.erase(std::unique(recheck.begin(), recheck.end()), recheck.end());
    for (auto& [id, state] : lock_accounts(txn, recheck, false)) {
      balances_.forget(id);
      locked[id] = state;
    }
    plan = plan_batch(batch, stored, locked);
  }
  if (plan.applied.empty()) {
    txn.abort();
    return plan.outcomes;
  }
  auto after = write_plan(c, txn, batch, plan, !optimistic, credited);
  txn.commit();
  balances_.committed(std::move(credited), after);
  return plan.outcomes;
}

std::vector<movement_outcome>
ledger_repository::apply(const std::vector<movement>& batch) {
  if (batch.empty())
    return {};
  // Keys repeated at the database are rare (a wallet answers repeats from
  // memory): a batch of charges skips reading its keys first, and a key
  // committed before fails its COPY, after which the batch (and the next
  // ones) read their keys. Deposits, driven by clients, always read them.
  bool check_keys = checked_batches_left_ > 0;
  for (const auto& m : batch)
    check_keys = check_keys || m.kind != "charge";
  if (checked_batches_left_ > 0)
    --checked_batches_left_;
  // Accounts are read without locks while that keeps working (one writer
  // per account: debits only ever come from here); after a race the next
  // batches lock them first.
  bool optimistic = locked_batches_left_ == 0;
  if (locked_batches_left_ > 0)
    --locked_batches_left_;
  using answer = std::optional<std::vector<movement_outcome>>;
  return with_ledger_retries(
    db_,
    [&](int attempt) {
      // Whatever went wrong, the remembered balances may be too: a new
      // attempt reads them (they can never commit a wrong balance, only cost
      // a race).
      if (attempt > 1)
        balances_.forget_all();
      return db_.run_once([&](pg_link& c) {
        return apply_once(c, batch, check_keys, optimistic);
      });
    },
    [&](int attempt, ledger_failure failure, const std::string& what) -> answer {
      switch (failure) {
        case ledger_failure::raced:
          spdlog::debug("ledger batch raced ({}), attempt {}", what, attempt);
          optimistic = false;
          locked_batches_left_ = 100;
          return std::nullopt;
        case ledger_failure::repeated_key:
          if (!check_keys) {
            // Not a race: a repeated key; read them and plan again.
            check_keys = true;
            checked_batches_left_ = 100;
          } else {
            spdlog::debug("ledger batch raced on a unique key, attempt {}",
                          attempt);
          }
          return std::nullopt;
        case ledger_failure::rolled_back:
          spdlog::debug("ledger batch rolled back ({}), attempt {}", what,
                        attempt);
          return std::nullopt;
        case ledger_failure::outcome_unknown:
          spdlog::warn("ledger commit in doubt ({}); re-reading {} keys", what,
                       batch.size());
          return resolve(batch);
        case ledger_failure::connection_lost:
          // Before the commit was sent: nothing of this attempt committed.
          // Plan once more on a new connection (the plan re-reads every
          // key); if that fails too, answer from what the keys show.
          if (attempt == 1) {
            spdlog::warn("ledger connection lost ({}); trying a new one", what);
            return std::nullopt;
          }
          spdlog::warn("ledger connection lost again ({}); re-reading {} keys",
                       what, batch.size());
          return resolve(batch);
        case ledger_failure::failed:
          break;
      }
      spdlog::error("ledger batch of {} failed: {}", batch.size(), what);
      return all_failed(batch.size());
    },
    [&] {
      spdlog::error("ledger batch of {} kept racing; answering failed",
                    batch.size());
      return all_failed(batch.size());
    });
}

std::vector<movement_outcome>
ledger_repository::resolve(const std::vector<movement>& batch) {
  balances_.forget_all();
  try {
    return db_.run_once([&](pqxx::connection_base& c) {
      pqxx::read_transaction txn{c};
      auto stored = load_stored(txn, keys_of(batch));
      std::vector<movement_outcome> out(batch.size());
      std::unordered_map<std::string, size_t> seen;
      for (size_t i = 0; i < batch.size(); ++i) {
        const auto& m = batch[i];
        auto s = stored.find(m.key);
        if (s == stored.end())
          continue; // not committed: status_failed, the caller may retry
        if (s->second.fingerprint != m.fingerprint) {
          out[i].status = status_conflict;
          continue;
        }
        bool first = seen.emplace(m.key, i).second;
        out[i] = movement_outcome{first ? status_applied : status_replayed,
                                  s->second.transaction_id,
                                  s->second.amount_cents,
                                  s->second.balance_after_cents,
                                  s->second.created_at_ms};
      }
      return out;
    });
  } catch (const std::exception& e) {
    spdlog::warn("ledger keys cannot be re-read ({}); answering failed",
                 e.what());
    return all_failed(batch.size());
  }
}

} // namespace streamify::persistence
