#include "persistence/billing/ledger_repository.hpp"

namespace streamify::persistence {

namespace {

reconcile_report reconcile_on(pqxx::connection_base& c) {
  // One snapshot for every check.
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn{c};
  reconcile_report r;
  auto sample = [&](const pqxx::result& res) {
    for (const auto& row : res)
      if (r.samples.size() < 10)
        r.samples.push_back(row[0].as<std::string>());
  };
  auto counts = txn.exec1(
    "SELECT (SELECT count(*) FROM ledger_transactions),"
    " (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM accounts)");
  r.transactions = counts[0].as<int64_t>();
  r.entries = counts[1].as<int64_t>();
  r.accounts = counts[2].as<int64_t>();
  auto unbalanced = txn.exec(
    "SELECT t.id, coalesce(sum(e.amount_cents), 0), count(e.seq)"
    " FROM ledger_transactions t"
    " LEFT JOIN ledger_entries e ON e.transaction_id = t.id"
    " GROUP BY t.id"
    " HAVING coalesce(sum(e.amount_cents), 0) <> 0 OR count(e.seq) < 2");
  for (const auto& row : unbalanced) {
    if (row[1].as<int64_t>() != 0)
      ++r.unbalanced_transactions;
    if (row[2].as<int64_t>() < 2)
      ++r.short_transactions;
  }
  sample(unbalanced);
  auto accounts = txn.exec(
    "SELECT a.id, a.kind, a.balance_cents, a.earned_cents, a.spent_cents,"
    " coalesce(s.balance, 0), coalesce(s.earned, 0), coalesce(s.spent, 0)"
    " FROM accounts a LEFT JOIN ("
    "   SELECT account_id, sum(amount_cents) AS balance,"
    "   coalesce(sum(amount_cents) FILTER (WHERE kind IN ('earning',"
    "     'clawback')), 0) AS earned,"
    "   coalesce(-sum(amount_cents) FILTER (WHERE kind IN ('charge',"
    "     'refund')), 0) AS spent"
    "   FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id"
    " WHERE a.balance_cents <> coalesce(s.balance, 0)"
    " OR a.earned_cents <> coalesce(s.earned, 0)"
    " OR a.spent_cents <> coalesce(s.spent, 0)"
    " OR (a.kind = 'user' AND a.balance_cents < 0)");
  for (const auto& row : accounts) {
    if (row[2].as<int64_t>() != row[5].as<int64_t>())
      ++r.balance_mismatches;
    if (row[3].as<int64_t>() != row[6].as<int64_t>()
        || row[4].as<int64_t>() != row[7].as<int64_t>())
      ++r.counter_mismatches;
    if (row[1].as<std::string>() == "user" && row[2].as<int64_t>() < 0)
      ++r.negative_balances;
  }
  sample(accounts);
  r.duplicate_keys = txn.exec1(
    "SELECT count(*) FROM (SELECT key FROM ledger_transactions"
    " GROUP BY key HAVING count(*) > 1) d")[0].as<int64_t>();
  auto over = txn.exec(
    "SELECT r.id FROM ledger_transactions r"
    " LEFT JOIN ledger_transactions c ON c.id = r.reverses_id"
    " WHERE r.kind = 'refund' AND (c.id IS NULL OR c.kind <> 'charge'"
    "   OR r.amount_cents > c.amount_cents"
    "   OR r.counterparty_id IS DISTINCT FROM c.subject_id)"
    " UNION ALL"
    " SELECT reverses_id FROM ledger_transactions"
    " WHERE reverses_id IS NOT NULL GROUP BY reverses_id HAVING count(*) > 1");
  r.over_refunds = static_cast<int64_t>(over.size());
  sample(over);
  auto missing = txn.exec(
    "SELECT t.id FROM ledger_transactions t"
    " LEFT JOIN (SELECT transaction_id, count(*) AS n FROM outbox"
    "   GROUP BY transaction_id) o ON o.transaction_id = t.id"
    " WHERE coalesce(o.n, 0) <> 1");
  r.missing_outbox = static_cast<int64_t>(missing.size());
  sample(missing);
  auto summaries = txn.exec(
    "SELECT t.id FROM ledger_transactions t JOIN ("
    "  SELECT transaction_id,"
    "  coalesce(sum(amount_cents) FILTER (WHERE kind IN ('earning',"
    "    'clawback')), 0) AS creator,"
    "  coalesce(sum(amount_cents) FILTER (WHERE kind IN ('fee',"
    "    'fee_reversal')), 0) AS fee"
    "  FROM ledger_entries GROUP BY transaction_id) s"
    "  ON s.transaction_id = t.id"
    " LEFT JOIN ledger_entries e"
    "  ON e.transaction_id = t.id AND e.account_id = t.subject_id"
    " WHERE t.creator_cents <> s.creator OR t.fee_cents <> s.fee"
    "  OR (e.seq IS NOT NULL"
    "      AND e.balance_after_cents <> t.subject_balance_after_cents)");
  r.summary_mismatches = static_cast<int64_t>(summaries.size());
  sample(summaries);
  auto orphans = txn.exec(
    "SELECT e.transaction_id FROM ledger_entries e"
    " LEFT JOIN ledger_transactions t ON t.id = e.transaction_id"
    " LEFT JOIN accounts a ON a.id = e.account_id"
    " WHERE t.id IS NULL OR a.id IS NULL"
    " UNION ALL"
    " SELECT o.transaction_id FROM outbox o"
    " LEFT JOIN ledger_transactions t ON t.id = o.transaction_id"
    " WHERE t.id IS NULL"
    " UNION ALL"
    " SELECT t.id FROM ledger_transactions t"
    " LEFT JOIN accounts a ON a.id = t.subject_id WHERE a.id IS NULL");
  r.orphans = static_cast<int64_t>(orphans.size());
  sample(orphans);
  return r;
}

} // namespace

reconcile_report ledger_repository::reconcile() {
  return db_.run([](pqxx::connection_base& c) { return reconcile_on(c); });
}

reconcile_report reconcile_ledger(const std::string& url) {
  pqxx::connection c{url};
  return reconcile_on(c);
}

} // namespace streamify::persistence
