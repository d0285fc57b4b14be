#include "persistence/billing/ledger_repository.hpp"

#include <algorithm>
#include <limits>
#include <tuple>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "persistence/billing/ledger_batch_sql.hpp"

namespace streamify::persistence {

namespace {

using ledger_sql::batch_race;
using ledger_sql::credited_accounts;
using ledger_sql::load_stored;
using ledger_sql::lock_accounts;
using ledger_sql::write_plan;

#define MS(col) "(extract(epoch FROM " col ") * 1000)::bigint"

const std::vector<named_statement> statements{
  {"ledger_claim",
   "INSERT INTO accounts (id, kind, owner_epoch) VALUES ($1, 'user', 1)"
   " ON CONFLICT (id) DO UPDATE SET owner_epoch = accounts.owner_epoch + 1"
   " WHERE accounts.kind = 'user'"
   " RETURNING owner_epoch, balance_cents"},
  {"ledger_claim_many",
   "INSERT INTO accounts (id, kind, owner_epoch)"
   " SELECT x, 'user', 1 FROM unnest($1::text[]) AS x ORDER BY x"
   " ON CONFLICT (id) DO UPDATE SET owner_epoch = accounts.owner_epoch + 1"
   " WHERE accounts.kind = 'user'"
   " RETURNING id, owner_epoch, balance_cents"},
  {"ledger_find_keys",
   "SELECT key, id, fingerprint, amount_cents, subject_balance_after_cents,"
   " " MS("created_at")
   " FROM ledger_transactions WHERE key = ANY($1::text[])"},
  {"ledger_lock_accounts",
   "SELECT id, kind, balance_cents, earned_cents, spent_cents, owner_epoch"
   " FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE"},
  // Taken by every transaction that changes several accounts, before its
  // first row lock (see ledger_sql::lock_accounts_table).
  {"ledger_lock_accounts_table",
   "SELECT pg_advisory_xact_lock(hashtext('streamify_accounts'))"},
  // The optimistic read: no row locks. The account update then proves that
  // nothing changed in between (see write_plan).
  {"ledger_read_accounts",
   "SELECT id, kind, balance_cents, earned_cents, spent_cents, owner_epoch"
   " FROM accounts WHERE id = ANY($1::text[])"},
  // Blocks of row numbers (see ledger_sql::row_numbers).
  {"ledger_number_blocks",
   "SELECT nextval($1::regclass) FROM generate_series(1, $2::bigint)"},
  {"ledger_create_accounts",
   "INSERT INTO accounts (id, kind)"
   " SELECT x, 'user' FROM unnest($1::text[]) AS x ORDER BY x"
   " ON CONFLICT (id) DO NOTHING"},
  // The conditional debit: a user balance never goes below zero and an owner
  // whose epoch moved on writes nothing.
  {"ledger_update_accounts",
   "UPDATE accounts a SET balance_cents = a.balance_cents + v.delta,"
   " earned_cents = a.earned_cents + v.earned,"
   " spent_cents = a.spent_cents + v.spent"
   " FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[],"
   " $5::bigint[]) AS v(id, delta, earned, spent, epoch)"
   " WHERE a.id = v.id AND (v.epoch < 0 OR a.owner_epoch = v.epoch)"
   " AND (a.kind <> 'user' OR a.balance_cents + v.delta >= 0)"
   " RETURNING a.id, a.balance_cents, a.owner_epoch, a.earned_cents"},
  {"ledger_find_refund_request",
   "SELECT fingerprint FROM refund_requests WHERE key = $1"},
  {"ledger_insert_refund_request",
   "INSERT INTO refund_requests (key, fingerprint, session_id, admin_id,"
   " reason, created_at) VALUES ($1, $2, $3, $4, $5,"
   " to_timestamp($6::bigint / 1000.0))"},
  {"ledger_refund_lines",
   "SELECT id, reverses_id, counterparty_id, subject_id,"
   " coalesce(video_id, ''), coalesce(minute_index, 0), amount_cents,"
   " -creator_cents, -fee_cents, " MS("created_at")
   " FROM ledger_transactions"
   " WHERE request_key = $1 AND kind = 'refund'"
   " ORDER BY minute_index, id"},
  // A session's charges by key range: 'charge:<session>:' <= key <
  // 'charge:<session>;' (';' follows ':'; session ids hold no ':').
  {"ledger_session_charges",
   "SELECT t.id, t.key, t.subject_id, t.counterparty_id,"
   " coalesce(t.video_id, ''), coalesce(t.minute_index, 0), t.amount_cents,"
   " t.creator_cents, t.fee_cents,"
   " EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses_id = t.id)"
   " FROM ledger_transactions t"
   " WHERE t.key >= $1 AND t.key < $2 AND t.kind = 'charge'"
   " ORDER BY t.minute_index, t.id"},
  {"ledger_parties",
   "SELECT subject_id, coalesce(counterparty_id, ''), coalesce(video_id, '')"
   " FROM ledger_transactions"
   " WHERE key >= $1 AND key < $2 AND kind = 'charge'"
   " ORDER BY key LIMIT 1"},
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
   // The predicate of ledger_entries_user_account (migration 005).
   " AND e.account_id NOT IN ('platform:revenue', 'external:deposits')"
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

constexpr int max_attempts = 5;

// Accounts a writer remembers as existing, to credit them without reading
// them first (a creator or the platform's revenue, in every batch).
constexpr size_t max_known_credited = 1'000'000;

// Balances a writer keeps of the accounts it debits (see own_balances_).
constexpr size_t max_own_balances = 200'000;

// The kind of an account that exists: the system accounts are the only ones
// that are not users' (user ids cannot contain ':').
std::string kind_of(const std::string& id) {
  if (id == revenue_account_id)
    return "revenue";
  if (id == deposits_account_id)
    return "external";
  return "user";
}

// The key range of a session's charges (see ledger_session_charges).
std::string session_key_from(const std::string& session_id) {
  return "charge:" + session_id + ":";
}

std::string session_key_to(const std::string& session_id) {
  return "charge:" + session_id + ";";
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
  own_balances_.erase(user_id); // its epoch moves on
  try {
    return with_reconnect([&](pqxx::connection_base& c) {
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
    own_balances_.erase(id); // its epoch moves on
  }
  try {
    return with_reconnect([&](pqxx::connection_base& c) {
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
  std::unordered_set<std::string> remembered; // planned from own_balances_
  if (optimistic) {
    credited = credited_accounts(batch, stored);
    std::vector<std::string> unknown;
    for (const auto& id : ids) {
      if (credited.count(id)) {
        if (known_credited_.count(id))
          locked.emplace(id, account_state{kind_of(id)});
        else
          unknown.push_back(id);
      } else if (auto b = own_balances_.find(id); b != own_balances_.end()) {
        locked.emplace(id, b->second);
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
      own_balances_.erase(id);
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
  if (known_credited_.size() > max_known_credited)
    known_credited_.clear();
  known_credited_.merge(credited);
  if (own_balances_.size() > max_own_balances)
    own_balances_.clear();
  for (auto& a : after) {
    if (known_credited_.count(a.id) || is_system_account(a.id))
      continue;
    // Users who earn are paid by other writers too: read them each batch.
    if (a.earned_cents != 0)
      own_balances_.erase(a.id);
    else
      own_balances_[a.id] = account_state{"user", a.balance_cents, 0, 0,
                                          a.owner_epoch};
  }
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
  for (int attempt = 1;; ++attempt) {
    // Whatever went wrong, the remembered balances may be too: a new
    // attempt reads them (they can never commit a wrong balance, only cost
    // a race).
    if (attempt > 1)
      own_balances_.clear();
    try {
      return db_.run([&](pg_link& c) {
        return apply_once(c, batch, check_keys, optimistic);
      });
    } catch (const batch_race& e) {
      spdlog::debug("ledger batch raced ({}), attempt {}", e.what(), attempt);
      optimistic = false;
      locked_batches_left_ = 100;
    } catch (const pqxx::unique_violation& e) {
      if (!check_keys) {
        check_keys = true;
        checked_batches_left_ = 100;
        continue; // not a race: a repeated key; read them and plan again
      }
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
  own_balances_.clear();
  try {
    return db_.run([&](pqxx::connection_base& c) {
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
  own_balances_.clear(); // a refund debits a creator and credits a viewer
  for (int attempt = 1;; ++attempt) {
    try {
      return with_reconnect(
        [&](pg_link& c) { return refund_once(c, cmd); });
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
  return with_reconnect([&](pqxx::connection_base& c) {
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
  return with_reconnect([&](pqxx::connection_base& c) {
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
  return with_reconnect([&](pqxx::connection_base& c) -> std::optional<session_parties> {
    pqxx::read_transaction txn{c};
    auto res = txn.exec_prepared("ledger_parties",
                                 session_key_from(session_id),
                                 session_key_to(session_id));
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
  return with_reconnect([&](pqxx::connection_base& c) {
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

void ledger_repository::ping() {
  with_reconnect([](pqxx::connection_base& c) {
    pqxx::nontransaction{c}.exec("SELECT 1");
    return 0;
  });
}

} // namespace streamify::persistence
