#include "persistence/billing/ledger_statements.hpp"

#include "persistence/billing/ledger_store.hpp"

namespace streamify::persistence::ledger_sql {

namespace {

#define MS(col) "(extract(epoch FROM " col ") * 1000)::bigint"

const std::vector<named_statement> ledger_statements{
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
  // A session's charges by key range (see session_key_from).
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

} // namespace

const std::vector<named_statement>& statements() {
  return ledger_statements;
}

std::string session_key_from(const std::string& session_id) {
  return "charge:" + session_id + ":";
}

std::string session_key_to(const std::string& session_id) {
  return "charge:" + session_id + ";";
}

std::string account_kind(const std::string& id) {
  if (id == revenue_account_id)
    return "revenue";
  if (id == deposits_account_id)
    return "external";
  return "user";
}

} // namespace streamify::persistence::ledger_sql
