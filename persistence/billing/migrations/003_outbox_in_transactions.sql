-- The outbox becomes a view of ledger_transactions: each outbox row
-- repeated its transaction row, and writing it was a tenth of a charge's cost
-- in PostgreSQL. A transaction row now carries the outbox cursor itself:
-- `txid` (the writing transaction, set by the writer from
-- pg_current_xact_id()) and `seq`. The analytics role reads the view by the
-- same cursor, with the same rule (only rows of ended transactions).

ALTER TABLE ledger_transactions ADD COLUMN txid xid8, ADD COLUMN seq bigint;

CREATE SEQUENCE ledger_transactions_seq OWNED BY ledger_transactions.seq;

-- Rows written before: their outbox row's cursor.
ALTER TABLE ledger_transactions DISABLE TRIGGER ledger_transactions_append_only;
UPDATE ledger_transactions t SET txid = o.txid, seq = o.seq
FROM outbox o WHERE o.transaction_id = t.id;
UPDATE ledger_transactions SET txid = pg_current_xact_id(),
  seq = nextval('ledger_transactions_seq') + (SELECT coalesce(max(seq), 0) FROM outbox)
WHERE txid IS NULL;
ALTER TABLE ledger_transactions ENABLE TRIGGER ledger_transactions_append_only;
SELECT setval('ledger_transactions_seq',
              greatest((SELECT coalesce(max(seq), 0) FROM ledger_transactions), 1));

ALTER TABLE ledger_transactions
  ALTER COLUMN txid SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN txid SET NOT NULL,
  ALTER COLUMN seq SET DEFAULT nextval('ledger_transactions_seq'),
  ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX ledger_transactions_cursor ON ledger_transactions (txid, seq);

DROP TABLE outbox;
CREATE VIEW outbox AS
SELECT seq, txid, id AS transaction_id, kind,
  CASE WHEN kind = 'refund' THEN counterparty_id ELSE subject_id END AS user_id,
  CASE WHEN kind = 'refund' THEN subject_id ELSE counterparty_id END AS counterparty_id,
  session_id, video_id, minute_index, amount_cents, creator_cents, fee_cents,
  created_at
FROM ledger_transactions;
