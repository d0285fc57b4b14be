#include "persistence/billing/ledger_repository.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "persistence/billing/ledger_batch_sql.hpp"
#include "persistence/billing/ledger_retry.hpp"
#include "persistence/billing/ledger_statements.hpp"

// An admin's refund of a session: every charge not reversed yet, in one
// transaction with the accounts locked.
namespace streamify::persistence {

using ledger_sql::batch_race;
using ledger_sql::lock_accounts;
using ledger_sql::write_plan;
using ledger_sql::session_key_from;
using ledger_sql::session_key_to;

refund_outcome ledger_repository::refund_once(pg_link& c,
                                              const refund_command& cmd) {
  pqxx::work txn{c};
  refund_outcome out;
  auto fill_lines = [&](pqxx::result rows) {
    for (const auto& r : rows)
      out.lines.push_back(refund_line{
        r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
        r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int64_t>(),
        r[6].as<int64_t>(), r[7].as<int64_t>(), r[8].as<int64_t>(),
        r[9].as<int64_t>()});
  };
  auto request = txn.exec_prepared("ledger_find_refund_request",
                                   cmd.request_key);
  if (!request.empty()) {
    if (request[0][0].as<std::string>() != cmd.fingerprint) {
      out.status = status_conflict;
      return out;
    }
    out.status = status_replayed;
    fill_lines(txn.exec_prepared("ledger_refund_lines", cmd.request_key));
    return out;
  }
  auto parties = txn.exec_prepared("ledger_parties",
                                   session_key_from(cmd.session_id),
                                   session_key_to(cmd.session_id));
  if (parties.empty()) {
    out.status = status_not_found;
    return out;
  }
  // Lock first, then read the charges: a concurrent refund of the same
  // session waits here and then sees the reversals already made.
  std::vector<std::string> ids{parties[0][0].as<std::string>(),
                               parties[0][1].as<std::string>(),
                               revenue_account_id};
  std::sort(ids.begin(), ids.end());
  auto locked = lock_accounts(txn, ids);
  std::vector<refundable_charge> charges;
  for (const auto& r : txn.exec_prepared("ledger_session_charges",
                                         session_key_from(cmd.session_id),
                                         session_key_to(cmd.session_id))) {
    if (r[9].as<bool>())
      continue; // reversed before
    charges.push_back(refundable_charge{
      r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
      r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int64_t>(),
      r[6].as<int64_t>(), r[7].as<int64_t>(), r[8].as<int64_t>()});
  }
  std::map<std::string, int64_t> creator_balances;
  for (const auto& ch : charges) {
    auto i = locked.find(ch.creator_id);
    if (i == locked.end())
      throw batch_race("a charge of the session names another creator");
    creator_balances[ch.creator_id] = i->second.balance_cents;
  }
  auto reversals = build_reversals(cmd, charges, creator_balances, make_id_);
  for (const auto& id : accounts_to_lock(reversals, {}))
    if (!locked.count(id))
      throw batch_race("a charge of the session names another account");
  auto plan = plan_batch(reversals, {}, locked);
  for (const auto& o : plan.outcomes)
    if (o.status != status_applied) {
      out.status = o.status;
      return out;
    }
  write_plan(c, txn, reversals, plan, true);
  txn.exec_prepared("ledger_insert_refund_request", cmd.request_key,
                    cmd.fingerprint, cmd.session_id, cmd.admin_id, cmd.reason,
                    cmd.created_at_ms);
  txn.commit();
  out.status = status_applied;
  out.lines = refund_lines(reversals, plan);
  return out;
}

refund_outcome ledger_repository::refund(const refund_command& cmd) {
  balances_.forget_all(); // a refund debits a creator and credits a viewer
  return with_ledger_retries(
    db_, [&](int) { return db_.run([&](pg_link& c) { return refund_once(c, cmd); }); },
    [&](int attempt, ledger_failure failure,
        const std::string& what) -> std::optional<refund_outcome> {
      switch (failure) {
        case ledger_failure::raced:
        case ledger_failure::repeated_key:
        case ledger_failure::rolled_back:
          spdlog::debug("refund raced ({}), attempt {}", what, attempt);
          return std::nullopt;
        case ledger_failure::outcome_unknown:
          // The admin repeats the request with the same key: a committed
          // refund then replays, an uncommitted one runs.
          spdlog::warn("refund commit in doubt: {}", what);
          return refund_outcome{};
        case ledger_failure::connection_lost:
        case ledger_failure::failed:
          break;
      }
      spdlog::warn("refund failed: {}", what);
      return refund_outcome{};
    },
    [] { return refund_outcome{}; });
}

} // namespace streamify::persistence
