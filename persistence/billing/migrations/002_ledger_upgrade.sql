-- Brings a ledger created by the first version of 001_ledger.sql (with
-- foreign keys, more indexes and no summaries on the transaction rows) to the
-- shape 001 now creates. On a database 001 created in its current form it
-- changes nothing but rewriting the same values.

SET LOCAL client_min_messages = warning; -- the IF EXISTS notices of a new ledger

ALTER TABLE ledger_transactions DROP CONSTRAINT IF EXISTS ledger_transactions_subject_id_fkey;
ALTER TABLE ledger_transactions DROP CONSTRAINT IF EXISTS ledger_transactions_reverses_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_transaction_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_account_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_transaction_id_fkey;

ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_pkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_pkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_transaction_id_key;
DROP INDEX IF EXISTS ledger_transactions_session;
DROP INDEX IF EXISTS ledger_entries_transaction;
DROP INDEX IF EXISTS outbox_cursor;
CREATE UNIQUE INDEX outbox_cursor ON outbox (txid, seq);

ALTER TABLE accounts ALTER COLUMN id TYPE text COLLATE "C";
ALTER TABLE ledger_transactions
  ALTER COLUMN id TYPE text COLLATE "C",
  ALTER COLUMN key TYPE text COLLATE "C",
  ALTER COLUMN subject_id TYPE text COLLATE "C",
  ALTER COLUMN reverses_id TYPE text COLLATE "C",
  ALTER COLUMN request_key TYPE text COLLATE "C";
ALTER TABLE ledger_entries
  ALTER COLUMN transaction_id TYPE text COLLATE "C",
  ALTER COLUMN account_id TYPE text COLLATE "C";
ALTER TABLE outbox ALTER COLUMN transaction_id TYPE text COLLATE "C";

-- The summaries of each transaction's entries, computed from them once.
ALTER TABLE ledger_transactions
  ADD COLUMN IF NOT EXISTS subject_balance_after_cents bigint,
  ADD COLUMN IF NOT EXISTS creator_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS fee_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE ledger_transactions DISABLE TRIGGER ledger_transactions_append_only;
UPDATE ledger_transactions t
SET creator_cents = s.creator,
    fee_cents = s.fee,
    subject_balance_after_cents = coalesce(
      (SELECT e.balance_after_cents FROM ledger_entries e
       WHERE e.transaction_id = t.id AND e.account_id = t.subject_id
       ORDER BY e.seq DESC LIMIT 1),
      t.subject_balance_after_cents, 0)
FROM (SELECT transaction_id,
        coalesce(sum(amount_cents) FILTER (WHERE kind IN ('earning', 'clawback')), 0) AS creator,
        coalesce(sum(amount_cents) FILTER (WHERE kind IN ('fee', 'fee_reversal')), 0) AS fee
      FROM ledger_entries GROUP BY transaction_id) s
WHERE s.transaction_id = t.id;
ALTER TABLE ledger_transactions ENABLE TRIGGER ledger_transactions_append_only;
ALTER TABLE ledger_transactions ALTER COLUMN subject_balance_after_cents SET NOT NULL;
