#include "persistence/billing/ledger_plan.hpp"

#include <algorithm>
#include <set>

namespace streamify::persistence {

bool is_system_account(const std::string& account_id) {
  return account_id == revenue_account_id || account_id == deposits_account_id;
}

counter_delta counters_of(const std::string& entry_kind, int64_t amount) {
  if (entry_kind == "charge" || entry_kind == "refund")
    return {0, -amount}; // a charge (negative) raises spent, a refund lowers it
  if (entry_kind == "earning" || entry_kind == "clawback")
    return {amount, 0};
  return {0, 0};
}

std::string history_kind(const std::string& entry_kind) {
  if (entry_kind == "clawback")
    return "refund";
  return entry_kind;
}

namespace {

void append_quoted(std::string& out, const std::string& x) {
  out += '"';
  for (char c : x) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
}

bool balanced(const movement& m) {
  if (m.postings.size() < 2 || m.amount_cents <= 0)
    return false;
  int64_t sum = 0;
  for (const auto& p : m.postings) {
    if (p.amount_cents == 0 || p.account_id.empty())
      return false;
    sum += p.amount_cents;
  }
  return sum == 0;
}

} // namespace

std::string pg_array(const std::vector<std::string>& xs) {
  std::string out = "{";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i > 0)
      out += ',';
    append_quoted(out, xs[i]);
  }
  out += '}';
  return out;
}

std::string pg_array(const std::vector<int64_t>& xs) {
  std::string out = "{";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i > 0)
      out += ',';
    out += std::to_string(xs[i]);
  }
  out += '}';
  return out;
}

std::string reconcile_report::to_string() const {
  std::string out
    = "transactions=" + std::to_string(transactions)
      + " entries=" + std::to_string(entries)
      + " accounts=" + std::to_string(accounts)
      + " unbalanced_transactions=" + std::to_string(unbalanced_transactions)
      + " short_transactions=" + std::to_string(short_transactions)
      + " balance_mismatches=" + std::to_string(balance_mismatches)
      + " counter_mismatches=" + std::to_string(counter_mismatches)
      + " negative_balances=" + std::to_string(negative_balances)
      + " duplicate_keys=" + std::to_string(duplicate_keys)
      + " over_refunds=" + std::to_string(over_refunds)
      + " missing_outbox=" + std::to_string(missing_outbox)
      + " summary_mismatches=" + std::to_string(summary_mismatches)
      + " orphans=" + std::to_string(orphans)
      + " differences=" + std::to_string(differences());
  if (!samples.empty()) {
    out += " samples=";
    for (size_t i = 0; i < samples.size(); ++i)
      out += (i ? "," : "") + samples[i];
  }
  return out;
}

std::vector<std::string> keys_of(const std::vector<movement>& batch) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& m : batch)
    if (seen.insert(m.key).second)
      out.push_back(m.key);
  return out;
}

std::vector<std::string>
accounts_to_lock(const std::vector<movement>& batch,
                 const std::unordered_map<std::string, stored_key>& stored) {
  std::vector<std::string> ids;
  ids.reserve(batch.size() * 2);
  for (const auto& m : batch) {
    if (!stored.empty() && stored.count(m.key))
      continue;
    ids.push_back(m.subject_id);
    for (const auto& p : m.postings)
      if (p.account_id != m.subject_id)
        ids.push_back(p.account_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

batch_plan plan_batch(const std::vector<movement>& batch,
                      const std::unordered_map<std::string, stored_key>& stored,
                      std::unordered_map<std::string, account_state> accounts) {
  batch_plan plan;
  plan.outcomes.resize(batch.size());
  std::unordered_map<std::string, size_t> first; // key -> deciding movement
  first.reserve(batch.size());
  std::unordered_map<std::string, account_change> changes;
  changes.reserve(accounts.size());
  std::vector<std::pair<size_t, size_t>> duplicates; // (movement, first)
  auto account = [&](const std::string& id) -> account_state& {
    auto i = accounts.find(id);
    if (i == accounts.end())
      i = accounts.emplace(id, account_state{}).first;
    return i->second;
  };
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& m = batch[i];
    auto& out = plan.outcomes[i];
    if (auto s = stored.find(m.key); s != stored.end()) {
      if (s->second.fingerprint != m.fingerprint) {
        out.status = status_conflict;
        continue;
      }
      out = movement_outcome{status_replayed, s->second.transaction_id,
                             s->second.amount_cents,
                             s->second.balance_after_cents,
                             s->second.created_at_ms};
      continue;
    }
    if (auto f = first.find(m.key); f != first.end()) {
      duplicates.emplace_back(i, f->second);
      continue;
    }
    first.emplace(m.key, i);
    if (!balanced(m)) {
      out.status = status_failed;
      continue;
    }
    // Owner fence: a debit on behalf of a wallet that lost its user's account
    // to a newer owner is refused whole.
    if (m.owner_epoch >= 0 && account(m.subject_id).owner_epoch != m.owner_epoch) {
      out.status = status_stale_owner;
      continue;
    }
    // Net effect per account: no user account may end below zero.
    std::vector<std::pair<const std::string*, int64_t>> net;
    for (const auto& p : m.postings) {
      auto i = std::find_if(net.begin(), net.end(), [&](const auto& x) {
        return *x.first == p.account_id;
      });
      if (i == net.end())
        net.emplace_back(&p.account_id, p.amount_cents);
      else
        i->second += p.amount_cents;
    }
    bool short_funds = false;
    for (const auto& [id, amount] : net) {
      auto& acc = account(*id);
      if (amount < 0 && acc.kind == "user" && acc.balance_cents + amount < 0)
        short_funds = true;
    }
    if (short_funds) {
      out.status = status_insufficient;
      continue;
    }
    int64_t subject_after = account(m.subject_id).balance_cents;
    for (const auto& p : m.postings) {
      auto& acc = account(p.account_id);
      acc.balance_cents += p.amount_cents;
      auto counters = counters_of(p.kind, p.amount_cents);
      auto& ch = changes[p.account_id];
      ch.account_id = p.account_id;
      ch.user = acc.kind == "user";
      ch.delta += p.amount_cents;
      ch.earned += counters.earned;
      ch.spent += counters.spent;
      if (p.amount_cents < 0 && m.owner_epoch >= 0 && p.account_id == m.subject_id)
        ch.expect_epoch = m.owner_epoch;
      plan.entries.push_back(planned_entry{i, p.account_id, p.kind,
                                           p.amount_cents, acc.balance_cents});
      if (p.account_id == m.subject_id)
        subject_after = acc.balance_cents;
    }
    plan.applied.push_back(i);
    out = movement_outcome{status_applied, m.id, m.amount_cents, subject_after,
                           m.created_at_ms};
  }
  for (auto [i, f] : duplicates) {
    const auto& decided = plan.outcomes[f];
    if (batch[i].fingerprint != batch[f].fingerprint) {
      plan.outcomes[i].status = status_conflict;
      continue;
    }
    plan.outcomes[i] = decided;
    if (decided.status == status_applied)
      plan.outcomes[i].status = status_replayed;
  }
  for (auto& [id, ch] : changes)
    plan.changes.push_back(std::move(ch));
  std::sort(plan.changes.begin(), plan.changes.end(),
            [](const auto& a, const auto& b) {
              return a.account_id < b.account_id;
            });
  return plan;
}

std::vector<movement>
build_reversals(const refund_command& cmd,
                const std::vector<refundable_charge>& charges,
                std::map<std::string, int64_t> creator_balances,
                const id_generator& make_id) {
  std::vector<movement> out;
  for (const auto& c : charges) {
    if (c.amount_cents <= 0)
      continue;
    auto& creator_balance = creator_balances[c.creator_id];
    int64_t clawback = std::max<int64_t>(
      0, std::min(c.creator_cents, creator_balance));
    creator_balance -= clawback;
    int64_t platform = c.amount_cents - clawback;
    movement m;
    m.id = make_id();
    m.key = "refund:" + c.key;
    m.kind = "refund";
    m.subject_id = c.creator_id;
    m.owner_epoch = c.creator_id == cmd.creator_id ? cmd.creator_epoch : -1;
    m.fingerprint = cmd.fingerprint;
    m.amount_cents = c.amount_cents;
    m.counterparty_id = c.viewer_id;
    m.session_id = cmd.session_id;
    m.video_id = c.video_id;
    m.minute_index = c.minute_index;
    m.memo = cmd.reason;
    m.reverses_id = c.transaction_id;
    m.request_key = cmd.request_key;
    m.created_at_ms = cmd.created_at_ms;
    m.postings.push_back(posting{c.viewer_id, "refund", c.amount_cents});
    if (clawback > 0)
      m.postings.push_back(posting{c.creator_id, "clawback", -clawback});
    if (platform > 0)
      m.postings.push_back(posting{revenue_account_id, "fee_reversal", -platform});
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<refund_line> refund_lines(const std::vector<movement>& reversals,
                                      const batch_plan& plan) {
  std::vector<refund_line> out;
  for (size_t i = 0; i < reversals.size(); ++i) {
    const auto& m = reversals[i];
    if (plan.outcomes[i].status != status_applied)
      continue;
    refund_line line;
    line.transaction_id = m.id;
    line.reversed_transaction_id = m.reverses_id;
    line.viewer_id = m.counterparty_id;
    line.creator_id = m.subject_id;
    line.video_id = m.video_id;
    line.minute_index = m.minute_index;
    line.amount_cents = m.amount_cents;
    for (const auto& p : m.postings) {
      if (p.kind == "clawback")
        line.creator_cents = -p.amount_cents;
      else if (p.kind == "fee_reversal")
        line.platform_cents = -p.amount_cents;
    }
    line.created_at_ms = m.created_at_ms;
    out.push_back(std::move(line));
  }
  return out;
}

} // namespace streamify::persistence
