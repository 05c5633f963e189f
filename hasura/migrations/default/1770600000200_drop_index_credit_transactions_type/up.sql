-- No query filters the ledger by transaction type alone (the consumption reads use the partial covering
-- index, which carries the type in its predicate), and with eight values the index could not narrow a scan
-- anyway; it only cost an index insertion on every ledger row.
DROP INDEX public.idx_credit_transactions_type;
