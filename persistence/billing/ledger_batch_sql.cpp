#include "persistence/billing/ledger_batch_sql.hpp"

#include <algorithm>
#include <numeric>

#include "persistence/common/binary_copy.hpp"

namespace streamify::persistence::ledger_sql {

namespace {

// What a transaction row summarises of its entries.
struct entry_sums {
  int64_t creator_cents = 0;
  int64_t fee_cents = 0;
};

entry_sums sums_of(const movement& m) {
  entry_sums f;
  for (const auto& p : m.postings) {
    if (p.kind == "earning" || p.kind == "clawback")
      f.creator_cents += p.amount_cents;
    else if (p.kind == "fee" || p.kind == "fee_reversal")
      f.fee_cents += p.amount_cents;
  }
  return f;
}

// Numbers (seq) for the rows of one COPY from a sequence that moves on
// `number_block` at a time (migration 006): one nextval per block of rows
// instead of one per row, in the order the rows are written.
class row_numbers {
public:
  static constexpr size_t number_block = 4096;

  row_numbers(pqxx::transaction_base& txn, const char* sequence, size_t rows) {
    if (rows == 0)
      return;
    auto blocks = static_cast<int64_t>((rows + number_block - 1) / number_block);
    for (const auto& r : txn.exec_prepared("ledger_number_blocks", sequence,
                                           blocks))
      starts_.push_back(r[0].as<int64_t>());
    std::sort(starts_.begin(), starts_.end());
  }

  int64_t next() {
    auto i = used_++;
    return starts_.at(i / number_block) + static_cast<int64_t>(i % number_block);
  }

private:
  std::vector<int64_t> starts_;
  size_t used_ = 0;
};

} // namespace

std::unordered_map<std::string, stored_key>
load_stored(pqxx::transaction_base& txn, const std::vector<std::string>& keys) {
  std::unordered_map<std::string, stored_key> out;
  for (const auto& r : txn.exec_prepared("ledger_find_keys", pg_array(keys)))
    out[r[0].as<std::string>()]
      = stored_key{r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>()};
  return out;
}

void lock_accounts_table(pqxx::transaction_base& txn) {
  txn.exec_prepared("ledger_lock_accounts_table");
}

std::unordered_map<std::string, account_state>
lock_accounts(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
              bool lock) {
  if (lock)
    lock_accounts_table(txn);
  const char* statement = lock ? "ledger_lock_accounts" : "ledger_read_accounts";
  auto read = [&] {
    std::unordered_map<std::string, account_state> out;
    for (const auto& r : txn.exec_prepared(statement, pg_array(ids)))
      out[r[0].as<std::string>()]
        = account_state{r[1].as<std::string>(), r[2].as<int64_t>(),
                        r[3].as<int64_t>(), r[4].as<int64_t>(),
                        r[5].as<int64_t>()};
    return out;
  };
  auto out = read();
  if (out.size() == ids.size())
    return out;
  std::vector<std::string> missing;
  for (const auto& id : ids)
    if (!out.count(id)) {
      if (is_system_account(id))
        throw std::logic_error("system account " + id + " is missing");
      missing.push_back(id);
    }
  txn.exec_prepared("ledger_create_accounts", pg_array(missing));
  return read();
}

std::unordered_set<std::string>
credited_accounts(const std::vector<movement>& batch,
                  const std::unordered_map<std::string, stored_key>& stored) {
  std::unordered_set<std::string> touched;
  std::unordered_set<std::string> planned; // subjects and debited users
  for (const auto& m : batch) {
    if (!stored.empty() && stored.count(m.key))
      continue;
    planned.insert(m.subject_id);
    for (const auto& p : m.postings) {
      touched.insert(p.account_id);
      if (p.amount_cents < 0 && !is_system_account(p.account_id))
        planned.insert(p.account_id);
    }
  }
  for (const auto& id : planned)
    touched.erase(id);
  return touched;
}

std::vector<account_after>
write_plan(pg_link& link, pqxx::transaction_base& txn,
           const std::vector<movement>& batch,
           const batch_plan& plan, bool accounts_locked,
           const std::unordered_set<std::string>& credited) {
  std::vector<account_after> after;
  if (plan.applied.empty())
    return after;
  static const std::vector<std::string> tx_columns{
    "id", "key", "kind", "subject_id", "fingerprint", "amount_cents",
    "counterparty_id", "session_id", "video_id", "minute_index",
    "reverses_id", "request_key", "memo", "owner_epoch",
    "subject_balance_after_cents", "creator_cents", "fee_cents", "created_at",
    "seq"};
  static const std::vector<std::string> entry_columns{
    "transaction_id", "account_id", "kind", "amount_cents",
    "balance_after_cents", "seq"};
  static const char* const tx_sequence = "ledger_transactions_seq";
  static const char* const entry_sequence = "ledger_entries_seq_seq";
  // The outbox is a view of ledger_transactions: txid (with seq its cursor)
  // is the column's default.
  // In key order, for the same reason as the entries below: the inserts into
  // ledger_transactions_key then walk its pages in order.
  std::vector<size_t> by_key = plan.applied;
  std::sort(by_key.begin(), by_key.end(), [&](size_t a, size_t b) {
    return batch[a].key < batch[b].key;
  });
  binary_copy txs{plan.applied.size(), tx_columns.size()};
  row_numbers tx_seq{txn, tx_sequence, plan.applied.size()};
  for (auto i : by_key) {
    const auto& m = batch[i];
    auto f = sums_of(m);
    txs.row().text(m.id).text(m.key).text(m.kind).text(m.subject_id)
      .text(m.fingerprint).number(m.amount_cents)
      .text_or_null(m.counterparty_id).text_or_null(m.session_id)
      .text_or_null(m.video_id).number_or_null(m.minute_index)
      .text_or_null(m.reverses_id).text_or_null(m.request_key)
      .text_or_null(m.memo).number_or_null(m.owner_epoch)
      .number(plan.outcomes[i].balance_after_cents).number(f.creator_cents)
      .number(f.fee_cents).timestamp(m.created_at_ms).number(tx_seq.next());
  }
  txs.send(link, txn, "ledger_transactions", tx_columns);
  // In account order (stable: an account's entries keep their order, so seq
  // still follows balance_after): consecutive inserts into
  // ledger_entries_user_account then land on the same few index pages, which
  // costs PostgreSQL markedly less than one random descent per entry.
  std::vector<size_t> by_account(plan.entries.size());
  std::iota(by_account.begin(), by_account.end(), size_t{0});
  std::stable_sort(by_account.begin(), by_account.end(),
                   [&](size_t a, size_t b) {
                     return plan.entries[a].account_id
                            < plan.entries[b].account_id;
                   });
  auto is_credited = [&](const std::string& id) {
    return !credited.empty() && credited.count(id) > 0;
  };
  // The entries of the accounts the batch debits go before the tail, those of
  // credited accounts in it; both in account order.
  std::vector<size_t> own_rows;
  std::vector<size_t> credited_rows;
  for (auto i : by_account)
    (is_credited(plan.entries[i].account_id) ? credited_rows : own_rows)
      .push_back(i);
  // `base` (empty, or holding every account of `rows`) is added to each
  // balance_after: a credited account's balance before the batch.
  auto copy_entries = [&](const std::vector<size_t>& rows,
                          const std::unordered_map<std::string, int64_t>& base) {
    if (rows.empty())
      return;
    binary_copy entries{rows.size(), entry_columns.size()};
    row_numbers seq{txn, entry_sequence, rows.size()};
    for (auto i : rows) {
      const auto& e = plan.entries[i];
      auto offset = base.empty() ? 0 : base.at(e.account_id);
      entries.row().text(batch[e.movement].id).text(e.account_id).text(e.kind)
        .number(e.amount_cents).number(offset + e.balance_after_cents)
        .number(seq.next());
    }
    entries.send(link, txn, "ledger_entries", entry_columns);
  };
  copy_entries(own_rows, {});
  // The tail: from here to the commit the batch holds its accounts' rows.
  if (!accounts_locked)
    lock_accounts_table(txn);
  // Where each credited account's entries start: its balance before the batch.
  std::unordered_map<std::string, int64_t> base;
  {
    std::vector<std::string> id;
    std::vector<int64_t> delta, earned, spent, epoch;
    for (const auto& ch : plan.changes) {
      id.push_back(ch.account_id);
      delta.push_back(ch.delta);
      earned.push_back(ch.earned);
      spent.push_back(ch.spent);
      epoch.push_back(ch.expect_epoch);
    }
    auto res = txn.exec_prepared("ledger_update_accounts", pg_array(id),
                                 pg_array(delta), pg_array(earned),
                                 pg_array(spent), pg_array(epoch));
    if (res.affected_rows() != plan.changes.size())
      throw batch_race("an account changed under the batch");
    // Every balance must end where the plan said: then the balances the plan
    // started from were the ones under the row locks, and every
    // balance_after written is exact (also after an optimistic read).
    std::unordered_map<std::string, int64_t> final_balance;
    for (const auto& ch : plan.changes)
      final_balance[ch.account_id] = ch.delta; // credited: counted from 0
    for (const auto& e : plan.entries)
      final_balance[e.account_id] = e.balance_after_cents; // the last one
    after.reserve(res.size());
    for (const auto& r : res) {
      after.push_back(account_after{r[0].as<std::string>(), r[1].as<int64_t>(),
                                    r[2].as<int64_t>(), r[3].as<int64_t>()});
      const auto& a = after.back();
      if (is_credited(a.id))
        base[a.id] = a.balance_cents - final_balance.at(a.id);
      else if (final_balance.at(a.id) != a.balance_cents)
        throw batch_race("an account moved since it was read");
    }
  }
  // Numbered under the lock: a credited account's seq follows the order in
  // which the writers' tails hold it, like its balance_after.
  copy_entries(credited_rows, base);
  return after;
}

} // namespace streamify::persistence::ledger_sql
