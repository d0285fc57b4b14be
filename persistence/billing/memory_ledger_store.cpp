#include "persistence/billing/memory_ledger_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "persistence/common/pg_connection.hpp"

namespace streamify::persistence {

memory_ledger_store::memory_ledger_store(id_generator make_id)
  : make_id_(std::move(make_id)) {
  accounts_[revenue_account_id].kind = "revenue";
  accounts_[deposits_account_id].kind = "external";
}

void memory_ledger_store::check() const {
  if (!available_)
    throw unavailable("memory ledger switched off");
}

wallet_claim memory_ledger_store::claim(const std::string& user_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto& acc = accounts_[user_id];
  acc.owner_epoch += 1;
  return {acc.owner_epoch, acc.balance_cents};
}

stored_key memory_ledger_store::stored_of(const tx_record& tx) const {
  stored_key out{tx.m.id, tx.m.fingerprint, tx.m.amount_cents, 0,
                 tx.m.created_at_ms};
  for (auto e : tx.entries)
    if (entries_[e].account_id == tx.m.subject_id)
      out.balance_after_cents = entries_[e].balance_after_cents;
  return out;
}

void memory_ledger_store::write(const std::vector<movement>& batch,
                                const batch_plan& plan) {
  std::unordered_map<size_t, size_t> tx_of; // movement -> txs_ index
  for (auto i : plan.applied) {
    const auto& m = batch[i];
    tx_of[i] = txs_.size();
    by_key_[m.key] = txs_.size();
    by_id_[m.id] = txs_.size();
    if (!m.reverses_id.empty())
      reversed_by_[m.reverses_id] = m.id;
    txs_.push_back(tx_record{m, {}});
    outbox_.push_back(m.id);
  }
  for (const auto& e : plan.entries) {
    txs_[tx_of.at(e.movement)].entries.push_back(entries_.size());
    entries_.push_back(entry_record{batch[e.movement].id, e.account_id, e.kind,
                                    e.amount_cents, e.balance_after_cents});
  }
  for (const auto& ch : plan.changes) {
    auto& acc = accounts_[ch.account_id];
    acc.balance_cents += ch.delta;
    acc.earned_cents += ch.earned;
    acc.spent_cents += ch.spent;
  }
}

std::vector<movement_outcome>
memory_ledger_store::apply_locked(const std::vector<movement>& batch) {
  std::unordered_map<std::string, stored_key> stored;
  for (const auto& key : keys_of(batch))
    if (auto i = by_key_.find(key); i != by_key_.end())
      stored.emplace(key, stored_of(txs_[i->second]));
  std::unordered_map<std::string, account_state> locked;
  for (const auto& id : accounts_to_lock(batch, stored))
    locked.emplace(id, accounts_[id]); // creates missing user accounts
  auto plan = plan_batch(batch, stored, std::move(locked));
  write(batch, plan);
  return plan.outcomes;
}

std::vector<movement_outcome>
memory_ledger_store::apply(const std::vector<movement>& batch) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  ++apply_calls_;
  if (fail_next_ >= 0) {
    bool committed = fail_next_ == 1;
    fail_next_ = -1;
    if (committed)
      apply_locked(batch);
    return std::vector<movement_outcome>(batch.size());
  }
  return apply_locked(batch);
}

refund_outcome memory_ledger_store::refund(const refund_command& cmd) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  refund_outcome out;
  if (auto r = refund_requests_.find(cmd.request_key);
      r != refund_requests_.end()) {
    if (r->second.fingerprint != cmd.fingerprint) {
      out.status = status_conflict;
      return out;
    }
    std::vector<movement> done;
    batch_plan plan;
    for (const auto& tx : txs_)
      if (tx.m.request_key == cmd.request_key) {
        done.push_back(tx.m);
        plan.outcomes.emplace_back();
        plan.outcomes.back().status = status_applied;
      }
    out.status = status_replayed;
    out.lines = refund_lines(done, plan);
    return out;
  }
  std::vector<refundable_charge> charges;
  bool any = false;
  for (const auto& tx : txs_) {
    if (tx.m.kind != "charge" || tx.m.session_id != cmd.session_id)
      continue;
    any = true;
    if (reversed_by_.count(tx.m.id))
      continue;
    refundable_charge c{tx.m.id, tx.m.key, tx.m.subject_id,
                        tx.m.counterparty_id, tx.m.video_id,
                        tx.m.minute_index, tx.m.amount_cents, 0, 0};
    for (auto e : tx.entries) {
      if (entries_[e].kind == "earning")
        c.creator_cents += entries_[e].amount_cents;
      else if (entries_[e].kind == "fee")
        c.fee_cents += entries_[e].amount_cents;
    }
    charges.push_back(std::move(c));
  }
  if (!any) {
    out.status = status_not_found;
    return out;
  }
  std::sort(charges.begin(), charges.end(), [](const auto& a, const auto& b) {
    return a.minute_index < b.minute_index;
  });
  std::map<std::string, int64_t> creator_balances;
  for (const auto& c : charges)
    creator_balances[c.creator_id] = accounts_[c.creator_id].balance_cents;
  auto reversals = build_reversals(cmd, charges, creator_balances, make_id_);
  std::unordered_map<std::string, account_state> locked;
  for (const auto& id : accounts_to_lock(reversals, {}))
    locked.emplace(id, accounts_[id]);
  auto plan = plan_batch(reversals, {}, std::move(locked));
  for (const auto& o : plan.outcomes)
    if (o.status != status_applied) {
      out.status = o.status;
      return out;
    }
  write(reversals, plan);
  refund_requests_[cmd.request_key]
    = request_record{cmd.fingerprint, cmd.session_id};
  out.status = status_applied;
  out.lines = refund_lines(reversals, plan);
  return out;
}

account_summary memory_ledger_store::summary(const std::string& user_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  auto i = accounts_.find(user_id);
  if (i == accounts_.end())
    return {};
  return {i->second.balance_cents, i->second.earned_cents,
          i->second.spent_cents};
}

entries_page memory_ledger_store::entries(const std::string& user_id,
                                          int64_t before, int64_t limit) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  entries_page page;
  // seq = index + 1
  int64_t start = before > 0 ? std::min<int64_t>(before - 1, entries_.size())
                             : static_cast<int64_t>(entries_.size());
  for (int64_t i = start - 1; i >= 0; --i) {
    const auto& e = entries_[i];
    if (e.account_id != user_id)
      continue;
    if (static_cast<int64_t>(page.items.size()) == limit) {
      page.next_before = page.items.back().seq;
      break;
    }
    const auto& m = txs_[by_id_.at(e.transaction_id)].m;
    page.items.push_back(entry_row{i + 1, e.transaction_id,
                                   history_kind(e.kind), e.amount_cents,
                                   e.balance_after_cents, m.session_id,
                                   m.video_id, m.created_at_ms});
  }
  return page;
}

std::optional<session_parties>
memory_ledger_store::parties(const std::string& session_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  for (const auto& tx : txs_)
    if (tx.m.kind == "charge" && tx.m.session_id == session_id)
      return session_parties{session_id, tx.m.subject_id,
                             tx.m.counterparty_id, tx.m.video_id};
  return std::nullopt;
}

reconcile_report memory_ledger_store::reconcile() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  reconcile_report r;
  r.transactions = static_cast<int64_t>(txs_.size());
  r.entries = static_cast<int64_t>(entries_.size());
  r.accounts = static_cast<int64_t>(accounts_.size());
  auto sample = [&](const std::string& id) {
    if (r.samples.size() < 10)
      r.samples.push_back(id);
  };
  std::set<std::string> keys;
  std::set<std::string> reversed;
  std::set<std::string> outbox(outbox_.begin(), outbox_.end());
  for (const auto& tx : txs_) {
    int64_t sum = 0;
    for (auto e : tx.entries)
      sum += entries_[e].amount_cents;
    if (sum != 0) {
      ++r.unbalanced_transactions;
      sample(tx.m.id);
    }
    if (tx.entries.size() < 2) {
      ++r.short_transactions;
      sample(tx.m.id);
    }
    if (!keys.insert(tx.m.key).second)
      ++r.duplicate_keys;
    if (!outbox.count(tx.m.id))
      ++r.missing_outbox;
    if (tx.m.kind == "refund") {
      auto c = by_id_.find(tx.m.reverses_id);
      if (c == by_id_.end() || txs_[c->second].m.kind != "charge"
          || tx.m.amount_cents > txs_[c->second].m.amount_cents
          || !reversed.insert(tx.m.reverses_id).second) {
        ++r.over_refunds;
        sample(tx.m.id);
      }
    }
  }
  std::map<std::string, account_state> sums;
  for (const auto& e : entries_) {
    auto& s = sums[e.account_id];
    s.balance_cents += e.amount_cents;
    auto c = counters_of(e.kind, e.amount_cents);
    s.earned_cents += c.earned;
    s.spent_cents += c.spent;
  }
  for (const auto& [id, acc] : accounts_) {
    const auto& s = sums[id];
    if (acc.balance_cents != s.balance_cents) {
      ++r.balance_mismatches;
      sample(id);
    }
    if (acc.earned_cents != s.earned_cents || acc.spent_cents != s.spent_cents)
      ++r.counter_mismatches;
    if (acc.kind == "user" && acc.balance_cents < 0)
      ++r.negative_balances;
  }
  return r;
}

std::vector<outbox_row>
memory_ledger_store::read_outbox(const std::string& cursor, int64_t limit,
                                 std::string& next_cursor) {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
  size_t start = 0;
  if (!cursor.empty()) {
    if (cursor.rfind("0:", 0) != 0)
      throw std::invalid_argument("bad outbox cursor");
    start = std::stoull(cursor.substr(2));
  }
  std::vector<outbox_row> out;
  next_cursor = cursor;
  for (size_t i = start; i < outbox_.size()
                         && static_cast<int64_t>(out.size()) < limit;
       ++i) {
    const auto& tx = txs_[by_id_.at(outbox_[i])];
    const auto& m = tx.m;
    bool refund = m.kind == "refund";
    outbox_row row;
    row.seq = static_cast<int64_t>(i + 1);
    row.txid = "0";
    row.transaction_id = m.id;
    row.kind = m.kind;
    row.user_id = refund ? m.counterparty_id : m.subject_id;
    row.counterparty_id = refund ? m.subject_id : m.counterparty_id;
    row.session_id = m.session_id;
    row.video_id = m.video_id;
    row.minute_index = m.minute_index;
    row.amount_cents = m.amount_cents;
    for (const auto& p : m.postings) {
      if (p.kind == "earning" || p.kind == "clawback")
        row.creator_cents += p.amount_cents;
      else if (p.kind == "fee" || p.kind == "fee_reversal")
        row.fee_cents += p.amount_cents;
    }
    row.created_at_ms = m.created_at_ms;
    out.push_back(std::move(row));
    next_cursor = "0:" + std::to_string(i + 1);
  }
  return out;
}

void memory_ledger_store::ping() {
  std::lock_guard<std::mutex> guard{mtx_};
  check();
}

void memory_ledger_store::set_available(bool up) {
  std::lock_guard<std::mutex> guard{mtx_};
  available_ = up;
}

void memory_ledger_store::fail_next_apply(bool committed) {
  std::lock_guard<std::mutex> guard{mtx_};
  fail_next_ = committed ? 1 : 0;
}

size_t memory_ledger_store::apply_calls() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return apply_calls_;
}

size_t memory_ledger_store::transactions() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return txs_.size();
}

void memory_ledger_store::corrupt_balance(const std::string& account_id,
                                          int64_t balance) {
  std::lock_guard<std::mutex> guard{mtx_};
  accounts_[account_id].balance_cents = balance;
}

} // namespace streamify::persistence
