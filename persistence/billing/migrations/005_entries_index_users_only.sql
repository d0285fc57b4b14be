-- Only users' entries are looked up by account (their history pages); the
-- two system accounts, platform:revenue (a fee entry in every charge: a third
-- of all entries) and external:deposits, are only ever read whole, by
-- reconcile. Leaving them out of the index spares every charge one of its
-- six index inserts, the largest share of a charge's cost in PostgreSQL.
-- The history query repeats the predicate, so the planner can use
-- this index for its generic plan too.
CREATE INDEX ledger_entries_user_account ON ledger_entries (account_id, seq)
  WHERE account_id NOT IN ('platform:revenue', 'external:deposits');
DROP INDEX ledger_entries_account;
