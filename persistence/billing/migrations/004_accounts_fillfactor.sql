-- Every batch updates its accounts' rows (cached balances): with room left
-- on each page the new row versions stay on the same page (HOT updates, no
-- new entry in accounts_pkey), so lookups by id do not wade through dead
-- index entries as the table churns.
ALTER TABLE accounts SET (fillfactor = 50);
