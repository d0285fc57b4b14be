-- Entry and transaction numbers (seq) are taken 4096 at a time: a batch asks
-- for one nextval per 4096 rows and numbers its rows itself (row_numbers in
-- ledger_batch_sql.cpp, whose block size must match), instead of one nextval
-- per row as the columns' defaults did (a charge took four). Numbers
-- stay unique and keep their order; they only have gaps. The defaults stay
-- for any other writer.
ALTER SEQUENCE ledger_entries_seq_seq INCREMENT BY 4096;
ALTER SEQUENCE ledger_transactions_seq INCREMENT BY 4096;
