#include "persistence/billing/ledger_repository.hpp"

#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <spdlog/spdlog.h>

namespace streamify::persistence {

namespace {

#define MS(col) "(extract(epoch FROM " col ") * 1000)::bigint"

const std::vector<named_statement> statements{
  {"ledger_claim",
   "INSERT INTO accounts (id, kind, owner_epoch) VALUES ($1, 'user', 1)"
   " ON CONFLICT (id) DO UPDATE SET owner_epoch = accounts.owner_epoch + 1"
   " WHERE accounts.kind = 'user'"
   " RETURNING owner_epoch, balance_cents"},
  {"ledger_find_keys",
   "SELECT t.key, t.id, t.fingerprint, t.amount_cents,"
   " coalesce(e.balance_after_cents, 0), " MS("t.created_at")
   " FROM ledger_transactions t"
   " LEFT JOIN ledger_entries e"
   "   ON e.transaction_id = t.id AND e.account_id = t.subject_id"
   " WHERE t.key = ANY($1::text[])"},
  {"ledger_lock_accounts",
   "SELECT id, kind, balance_cents, earned_cents, spent_cents, owner_epoch"
   " FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE"},
  {"ledger_create_accounts",
   "INSERT INTO accounts (id, kind)"
   " SELECT x, 'user' FROM unnest($1::text[]) AS x ORDER BY x"
   " ON CONFLICT (id) DO NOTHING"},
  {"ledger_insert_transactions",
   "INSERT INTO ledger_transactions (id, key, kind, subject_id, fingerprint,"
   " amount_cents, counterparty_id, session_id, video_id, minute_index,"
   " reverses_id, request_key, memo, owner_epoch, created_at)"
   " SELECT id, key, kind, subject, fp, amount, NULLIF(cp, ''),"
   " NULLIF(sid, ''), NULLIF(vid, ''), NULLIF(mi, -1), NULLIF(rev, ''),"
   " NULLIF(req, ''), NULLIF(memo, ''), NULLIF(ep, -1),"
   " to_timestamp(ms / 1000.0)"
   " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
   " $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bigint[],"
   " $11::text[], $12::text[], $13::text[], $14::bigint[], $15::bigint[])"
   " AS v(id, key, kind, subject, fp, amount, cp, sid, vid, mi, rev, req,"
   " memo, ep, ms)"
   " ON CONFLICT (key) DO NOTHING"},
  {"ledger_insert_entries",
   "INSERT INTO ledger_entries (transaction_id, account_id, kind,"
   " amount_cents, balance_after_cents)"
   " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[],"
   " $5::bigint[])"},
  // The conditional debit: a user balance never goes below zero and an owner
  // whose epoch moved on writes nothing.
  {"ledger_update_accounts",
   "UPDATE accounts a SET balance_cents = a.balance_cents + v.delta,"
   " earned_cents = a.earned_cents + v.earned,"
   " spent_cents = a.spent_cents + v.spent"
   " FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[],"
   " $5::bigint[]) AS v(id, delta, earned, spent, epoch)"
   " WHERE a.id = v.id AND (v.epoch < 0 OR a.owner_epoch = v.epoch)"
   " AND (a.kind <> 'user' OR a.balance_cents + v.delta >= 0)"},
  {"ledger_insert_outbox",
   "INSERT INTO outbox (transaction_id, kind, user_id, counterparty_id,"
   " session_id, video_id, minute_index, amount_cents, creator_cents,"
   " fee_cents, created_at)"
   " SELECT tx, kind, uid, NULLIF(cp, ''), NULLIF(sid, ''), NULLIF(vid, ''),"
   " NULLIF(mi, -1), amount, creator, fee, to_timestamp(ms / 1000.0)"
   " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
   " $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],"
   " $11::bigint[])"
   " AS v(tx, kind, uid, cp, sid, vid, mi, amount, creator, fee, ms)"},
  {"ledger_find_refund_request",
   "SELECT fingerprint FROM refund_requests WHERE key = $1"},
  {"ledger_insert_refund_request",
   "INSERT INTO refund_requests (key, fingerprint, session_id, admin_id,"
   " reason, created_at) VALUES ($1, $2, $3, $4, $5,"
   " to_timestamp($6::bigint / 1000.0))"},
  {"ledger_refund_lines",
   "SELECT t.id, t.reverses_id, t.counterparty_id, t.subject_id,"
   " coalesce(t.video_id, ''), coalesce(t.minute_index, 0), t.amount_cents,"
   " coalesce(-sum(e.amount_cents) FILTER (WHERE e.kind = 'clawback'), 0),"
   " coalesce(-sum(e.amount_cents) FILTER (WHERE e.kind = 'fee_reversal'), 0),"
   " " MS("t.created_at")
   " FROM ledger_transactions t"
   " JOIN ledger_entries e ON e.transaction_id = t.id"
   " WHERE t.request_key = $1 AND t.kind = 'refund'"
   " GROUP BY t.id ORDER BY t.minute_index, t.id"},
  {"ledger_session_charges",
   "SELECT t.id, t.key, t.subject_id, t.counterparty_id,"
   " coalesce(t.video_id, ''), coalesce(t.minute_index, 0), t.amount_cents,"
   " coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'earning'), 0),"
   " coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'fee'), 0),"
   " EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses_id = t.id)"
   " FROM ledger_transactions t"
   " JOIN ledger_entries e ON e.transaction_id = t.id"
   " WHERE t.session_id = $1 AND t.kind = 'charge'"
   " GROUP BY t.id ORDER BY t.minute_index, t.id"},
  {"ledger_parties",
   "SELECT subject_id, coalesce(counterparty_id, ''), coalesce(video_id, '')"
   " FROM ledger_transactions WHERE session_id = $1 AND kind = 'charge'"
   " ORDER BY minute_index LIMIT 1"},
  {"ledger_summary",
   "SELECT balance_cents, earned_cents, spent_cents FROM accounts"
   " WHERE id = $1"},
  {"ledger_entries_page",
   "SELECT e.seq, e.transaction_id, e.kind, e.amount_cents,"
   " e.balance_after_cents, coalesce(t.session_id, ''),"
   " coalesce(t.video_id, ''), " MS("t.created_at")
   " FROM ledger_entries e JOIN ledger_transactions t"
   "   ON t.id = e.transaction_id"
   " WHERE e.account_id = $1 AND e.seq < $2"
   " ORDER BY e.seq DESC LIMIT $3"},
  {"ledger_outbox",
   "SELECT seq, txid::text, transaction_id, kind, user_id,"
   " coalesce(counterparty_id, ''), coalesce(session_id, ''),"
   " coalesce(video_id, ''), coalesce(minute_index, -1), amount_cents,"
   " creator_cents, fee_cents, " MS("created_at")
   " FROM outbox"
   " WHERE (txid, seq) > ($1::text::xid8, $2::bigint)"
   " AND txid < pg_snapshot_xmin(pg_current_snapshot())"
   " ORDER BY txid, seq LIMIT $3"},
};

#undef MS

// The batch met a concurrent writer (a key or a reversal committed since it
// was read, or an account changed under it): roll back and plan again.
struct batch_race : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr int max_attempts = 5;

std::unordered_map<std::string, stored_key>
load_stored(pqxx::transaction_base& txn, const std::vector<std::string>& keys) {
  std::unordered_map<std::string, stored_key> out;
  for (const auto& r : txn.exec_prepared("ledger_find_keys", pg_array(keys)))
    out[r[0].as<std::string>()]
      = stored_key{r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>()};
  return out;
}

std::unordered_map<std::string, account_state>
lock_accounts(pqxx::transaction_base& txn, const std::vector<std::string>& ids) {
  auto read = [&] {
    std::unordered_map<std::string, account_state> out;
    for (const auto& r : txn.exec_prepared("ledger_lock_accounts", pg_array(ids)))
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

struct outbox_fields {
  std::string user_id;
  std::string counterparty_id;
  int64_t creator_cents = 0;
  int64_t fee_cents = 0;
};

outbox_fields outbox_of(const movement& m) {
  outbox_fields f;
  bool refund = m.kind == "refund";
  f.user_id = refund ? m.counterparty_id : m.subject_id;
  f.counterparty_id = refund ? m.subject_id : m.counterparty_id;
  for (const auto& p : m.postings) {
    if (p.kind == "earning" || p.kind == "clawback")
      f.creator_cents += p.amount_cents;
    else if (p.kind == "fee" || p.kind == "fee_reversal")
      f.fee_cents += p.amount_cents;
  }
  return f;
}

// Writes the applied movements of a plan. Throws batch_race when the database
// disagrees with the plan (the transaction must then be rolled back).
void write_plan(pqxx::transaction_base& txn, const std::vector<movement>& batch,
                const batch_plan& plan) {
  if (plan.applied.empty())
    return;
  {
    std::vector<std::string> id, key, kind, subject, fp, cp, sid, vid, rev, req,
      memo;
    std::vector<int64_t> amount, mi, ep, ms;
    for (auto i : plan.applied) {
      const auto& m = batch[i];
      id.push_back(m.id);
      key.push_back(m.key);
      kind.push_back(m.kind);
      subject.push_back(m.subject_id);
      fp.push_back(m.fingerprint);
      amount.push_back(m.amount_cents);
      cp.push_back(m.counterparty_id);
      sid.push_back(m.session_id);
      vid.push_back(m.video_id);
      mi.push_back(m.minute_index);
      rev.push_back(m.reverses_id);
      req.push_back(m.request_key);
      memo.push_back(m.memo);
      ep.push_back(m.owner_epoch);
      ms.push_back(m.created_at_ms);
    }
    auto res = txn.exec_prepared(
      "ledger_insert_transactions", pg_array(id), pg_array(key), pg_array(kind),
      pg_array(subject), pg_array(fp), pg_array(amount), pg_array(cp),
      pg_array(sid), pg_array(vid), pg_array(mi), pg_array(rev), pg_array(req),
      pg_array(memo), pg_array(ep), pg_array(ms));
    if (res.affected_rows() != plan.applied.size())
      throw batch_race("a key of the batch was committed meanwhile");
  }
  {
    std::vector<std::string> tx, account, kind;
    std::vector<int64_t> amount, after;
    for (const auto& e : plan.entries) {
      tx.push_back(batch[e.movement].id);
      account.push_back(e.account_id);
      kind.push_back(e.kind);
      amount.push_back(e.amount_cents);
      after.push_back(e.balance_after_cents);
    }
    txn.exec_prepared("ledger_insert_entries", pg_array(tx), pg_array(account),
                      pg_array(kind), pg_array(amount), pg_array(after));
  }
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
  }
  {
    std::vector<std::string> tx, kind, uid, cp, sid, vid;
    std::vector<int64_t> mi, amount, creator, fee, ms;
    for (auto i : plan.applied) {
      const auto& m = batch[i];
      auto f = outbox_of(m);
      tx.push_back(m.id);
      kind.push_back(m.kind);
      uid.push_back(f.user_id);
      cp.push_back(f.counterparty_id);
      sid.push_back(m.session_id);
      vid.push_back(m.video_id);
      mi.push_back(m.minute_index);
      amount.push_back(m.amount_cents);
      creator.push_back(f.creator_cents);
      fee.push_back(f.fee_cents);
      ms.push_back(m.created_at_ms);
    }
    txn.exec_prepared("ledger_insert_outbox", pg_array(tx), pg_array(kind),
                      pg_array(uid), pg_array(cp), pg_array(sid), pg_array(vid),
                      pg_array(mi), pg_array(amount), pg_array(creator),
                      pg_array(fee), pg_array(ms));
  }
}

std::vector<movement_outcome> all_failed(size_t n) {
  return std::vector<movement_outcome>(n);
}

} // namespace

ledger_repository::ledger_repository(std::string url, id_generator make_id)
  : db_(std::move(url), statements), make_id_(std::move(make_id)) {
}

wallet_claim ledger_repository::claim(const std::string& user_id) {
  if (is_system_account(user_id))
    throw std::invalid_argument("not a user account: " + user_id);
  try {
    return with_reconnect([&](pqxx::connection& c) {
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

std::vector<movement_outcome>
ledger_repository::apply_once(pqxx::connection& c,
                              const std::vector<movement>& batch) {
  pqxx::work txn{c};
  auto stored = load_stored(txn, keys_of(batch));
  auto ids = accounts_to_lock(batch, stored);
  std::unordered_map<std::string, account_state> locked;
  if (!ids.empty())
    locked = lock_accounts(txn, ids);
  auto plan = plan_batch(batch, stored, std::move(locked));
  if (plan.applied.empty()) {
    txn.abort();
    return plan.outcomes;
  }
  write_plan(txn, batch, plan);
  txn.commit();
  return plan.outcomes;
}

std::vector<movement_outcome>
ledger_repository::apply(const std::vector<movement>& batch) {
  if (batch.empty())
    return {};
  for (int attempt = 1;; ++attempt) {
    try {
      return db_.run([&](pqxx::connection& c) { return apply_once(c, batch); });
    } catch (const batch_race& e) {
      spdlog::debug("ledger batch raced ({}), attempt {}", e.what(), attempt);
    } catch (const pqxx::unique_violation& e) {
      spdlog::debug("ledger batch raced on a unique key, attempt {}", attempt);
    } catch (const pqxx::statement_completion_unknown& e) {
      db_.reset();
      return resolve(batch);
    } catch (const pqxx::transaction_rollback& e) {
      // Deadlock or serialization failure: rolled back, safe to plan again.
      spdlog::debug("ledger batch rolled back ({}), attempt {}", e.what(),
                    attempt);
    } catch (const pqxx::in_doubt_error& e) {
      spdlog::warn("ledger commit in doubt ({}); re-reading {} keys", e.what(),
                   batch.size());
      db_.reset();
      return resolve(batch);
    } catch (const unavailable& e) {
      // The connection broke before the commit was sent (a lost commit is
      // in_doubt_error): nothing of this attempt can commit. Plan once more on
      // a new connection (the plan re-reads every key); if that fails too,
      // answer from what the keys show.
      if (attempt == 1) {
        spdlog::warn("ledger connection lost ({}); trying a new one",
                     e.what());
        continue;
      }
      spdlog::warn("ledger connection lost again ({}); re-reading {} keys",
                   e.what(), batch.size());
      return resolve(batch);
    } catch (const pqxx::sql_error& e) {
      spdlog::error("ledger batch of {} failed: {} [{}]", batch.size(),
                    e.what(), e.query());
      return all_failed(batch.size());
    }
    if (attempt >= max_attempts) {
      spdlog::error("ledger batch of {} kept racing; answering failed",
                    batch.size());
      return all_failed(batch.size());
    }
  }
}

std::vector<movement_outcome>
ledger_repository::resolve(const std::vector<movement>& batch) {
  try {
    return db_.run([&](pqxx::connection& c) {
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

refund_outcome ledger_repository::refund_once(pqxx::connection& c,
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
  auto parties = txn.exec_prepared("ledger_parties", cmd.session_id);
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
                                         cmd.session_id)) {
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
  write_plan(txn, reversals, plan);
  txn.exec_prepared("ledger_insert_refund_request", cmd.request_key,
                    cmd.fingerprint, cmd.session_id, cmd.admin_id, cmd.reason,
                    cmd.created_at_ms);
  txn.commit();
  out.status = status_applied;
  out.lines = refund_lines(reversals, plan);
  return out;
}

refund_outcome ledger_repository::refund(const refund_command& cmd) {
  for (int attempt = 1;; ++attempt) {
    try {
      return with_reconnect(
        [&](pqxx::connection& c) { return refund_once(c, cmd); });
    } catch (const batch_race& e) {
      spdlog::debug("refund raced ({}), attempt {}", e.what(), attempt);
    } catch (const pqxx::unique_violation&) {
      spdlog::debug("refund raced on a unique key, attempt {}", attempt);
    } catch (const pqxx::statement_completion_unknown&) {
      db_.reset();
      return refund_outcome{};
    } catch (const pqxx::transaction_rollback&) {
      spdlog::debug("refund rolled back, attempt {}", attempt);
    } catch (const pqxx::in_doubt_error& e) {
      // The admin repeats the request with the same key: a committed refund
      // then replays, an uncommitted one runs.
      spdlog::warn("refund commit in doubt: {}", e.what());
      db_.reset();
      return refund_outcome{};
    }
    if (attempt >= max_attempts)
      return refund_outcome{};
  }
}

account_summary ledger_repository::summary(const std::string& user_id) {
  return with_reconnect([&](pqxx::connection& c) {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("ledger_summary", user_id);
    if (res.empty())
      return account_summary{};
    return account_summary{res[0][0].as<int64_t>(), res[0][1].as<int64_t>(),
                           res[0][2].as<int64_t>()};
  });
}

entries_page ledger_repository::entries(const std::string& user_id,
                                        int64_t before, int64_t limit) {
  if (before <= 0)
    before = std::numeric_limits<int64_t>::max();
  return with_reconnect([&](pqxx::connection& c) {
    pqxx::read_transaction txn{c};
    entries_page page;
    auto res = txn.exec_prepared("ledger_entries_page", user_id, before,
                                 limit + 1);
    for (const auto& r : res) {
      if (static_cast<int64_t>(page.items.size()) == limit) {
        page.next_before = page.items.back().seq;
        break;
      }
      page.items.push_back(entry_row{
        r[0].as<int64_t>(), r[1].as<std::string>(),
        history_kind(r[2].as<std::string>()), r[3].as<int64_t>(),
        r[4].as<int64_t>(), r[5].as<std::string>(), r[6].as<std::string>(),
        r[7].as<int64_t>()});
    }
    return page;
  });
}

std::optional<session_parties>
ledger_repository::parties(const std::string& session_id) {
  return with_reconnect([&](pqxx::connection& c) -> std::optional<session_parties> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("ledger_parties", session_id);
    if (res.empty())
      return std::nullopt;
    return session_parties{session_id, res[0][0].as<std::string>(),
                           res[0][1].as<std::string>(),
                           res[0][2].as<std::string>()};
  });
}

std::vector<outbox_row>
ledger_repository::read_outbox(const std::string& cursor, int64_t limit,
                               std::string& next_cursor) {
  std::string txid = "0";
  int64_t seq = 0;
  if (!cursor.empty()) {
    auto colon = cursor.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("bad outbox cursor");
    txid = cursor.substr(0, colon);
    seq = std::stoll(cursor.substr(colon + 1));
    if (txid.empty() || txid.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("bad outbox cursor");
  }
  return with_reconnect([&](pqxx::connection& c) {
    pqxx::read_transaction txn{c};
    std::vector<outbox_row> out;
    next_cursor = cursor;
    for (const auto& r : txn.exec_prepared("ledger_outbox", txid, seq, limit)) {
      out.push_back(outbox_row{
        r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
        r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
        r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<int64_t>(),
        r[9].as<int64_t>(), r[10].as<int64_t>(), r[11].as<int64_t>(),
        r[12].as<int64_t>()});
      next_cursor = out.back().txid + ":" + std::to_string(out.back().seq);
    }
    return out;
  });
}

namespace {

reconcile_report reconcile_on(pqxx::connection& c) {
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
    " LEFT JOIN outbox o ON o.transaction_id = t.id WHERE o.seq IS NULL");
  r.missing_outbox = static_cast<int64_t>(missing.size());
  sample(missing);
  return r;
}

} // namespace

reconcile_report ledger_repository::reconcile() {
  return with_reconnect([](pqxx::connection& c) { return reconcile_on(c); });
}

void ledger_repository::ping() {
  with_reconnect([](pqxx::connection& c) {
    pqxx::nontransaction{c}.exec("SELECT 1");
    return 0;
  });
}

reconcile_report reconcile_ledger(const std::string& url) {
  pqxx::connection c{url};
  return reconcile_on(c);
}

} // namespace streamify::persistence
