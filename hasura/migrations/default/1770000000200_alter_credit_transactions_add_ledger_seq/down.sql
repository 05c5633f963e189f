DROP INDEX public.idx_credit_transactions_org_seq;
ALTER TABLE public.credit_transactions DROP COLUMN ledger_seq;
