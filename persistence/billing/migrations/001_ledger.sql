-- The ledger: append-only, double entry. Every money movement is one row of
-- ledger_transactions whose ledger_entries sum to zero; balances are cached
-- per account and always equal the sum of the account's entries.
--
-- No foreign keys between the ledger tables: their per-row checks cost more
-- than half of a batch's time. The single writer path inserts
-- transactions, entries, account updates and outbox rows together, and
-- reconcile checks the references (orphans) with every other invariant.

CREATE TABLE accounts (
  id            text COLLATE "C" PRIMARY KEY, -- the user id, or platform:revenue, external:deposits
  kind          text NOT NULL CHECK (kind IN ('user', 'revenue', 'external')),
  balance_cents bigint NOT NULL DEFAULT 0,
  earned_cents  bigint NOT NULL DEFAULT 0, -- net earnings (after clawbacks)
  spent_cents   bigint NOT NULL DEFAULT 0, -- net charges (after refunds)
  owner_epoch   bigint NOT NULL DEFAULT 0, -- moved on by every new owner of the wallet
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_balance_not_negative CHECK (kind <> 'user' OR balance_cents >= 0)
);
INSERT INTO accounts (id, kind) VALUES
  ('platform:revenue', 'revenue'),
  ('external:deposits', 'external');

-- Indexes are few on purpose: each costs every one of the five rows a charge
-- writes. Ids and keys compare bytewise (COLLATE "C": several times cheaper
-- than a locale's rules, and it keeps a session's keys in one range:
-- 'charge:<session>:' <= key < 'charge:<session>;'). What a replay or a
-- refund needs of the entries is summarised on the transaction row.
CREATE TABLE ledger_transactions (
  id              text COLLATE "C" PRIMARY KEY,
  key             text COLLATE "C" NOT NULL, -- idempotency key: charge:<session>:<minute>,
                                  -- deposit:<user>:<key>, refund:charge:<session>:<minute>
  kind            text NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund')),
  subject_id      text COLLATE "C" NOT NULL, -- the account of the wallet that wrote it
  fingerprint     text NOT NULL,  -- same key with another fingerprint: conflict
  amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
  counterparty_id text,           -- creator of a charge, viewer of a refund
  session_id      text,
  video_id        text,
  minute_index    bigint,
  reverses_id     text COLLATE "C", -- refunds: the charge reversed
  request_key     text COLLATE "C", -- refunds: the admin request
  memo            text,           -- provider reference, refund reason
  owner_epoch     bigint,         -- the writing wallet's epoch (debits)
  subject_balance_after_cents bigint NOT NULL, -- the subject's entry's balance_after
  creator_cents   bigint NOT NULL DEFAULT 0, -- the creator's entries (earning, clawback)
  fee_cents       bigint NOT NULL DEFAULT 0, -- the platform's entries (fee, fee_reversal)
  created_at      timestamptz NOT NULL,
  CONSTRAINT refund_reverses_a_charge CHECK ((kind = 'refund') = (reverses_id IS NOT NULL))
);
CREATE UNIQUE INDEX ledger_transactions_key ON ledger_transactions (key);
-- A charge is reversed at most once: never refunded beyond what was charged.
CREATE UNIQUE INDEX ledger_transactions_reverses ON ledger_transactions (reverses_id)
  WHERE reverses_id IS NOT NULL;
CREATE INDEX ledger_transactions_request ON ledger_transactions (request_key)
  WHERE request_key IS NOT NULL;

-- seq orders a user's history; (account_id, seq) serves it.
CREATE TABLE ledger_entries (
  seq                 bigserial NOT NULL,
  transaction_id      text COLLATE "C" NOT NULL,
  account_id          text COLLATE "C" NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('deposit', 'provider', 'charge',
                        'earning', 'fee', 'refund', 'clawback', 'fee_reversal')),
  amount_cents        bigint NOT NULL CHECK (amount_cents <> 0),
  balance_after_cents bigint NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, seq);

-- Admin refund requests by Idempotency-Key, written with their reversals.
CREATE TABLE refund_requests (
  key         text PRIMARY KEY,
  fingerprint text NOT NULL,
  session_id  text NOT NULL,
  admin_id    text NOT NULL,
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- One row per money transaction, written in the same database transaction;
-- the analytics role reads it by the cursor (txid, seq).
CREATE TABLE outbox (
  seq             bigserial NOT NULL,
  txid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  transaction_id  text COLLATE "C" NOT NULL,
  kind            text NOT NULL,
  user_id         text NOT NULL,  -- viewer of a charge or refund, depositor
  counterparty_id text,           -- creator
  session_id      text,
  video_id        text,
  minute_index    bigint,
  amount_cents    bigint NOT NULL, -- paid by the viewer / deposited / given back
  creator_cents   bigint NOT NULL, -- to the creator (negative: taken back)
  fee_cents       bigint NOT NULL, -- to the platform (negative: given back)
  created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX outbox_cursor ON outbox (txid, seq);

-- Corrections are new transactions, never edits.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER ledger_transactions_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
