DROP TRIGGER credit_transactions_assign_org_seq ON public.credit_transactions;
DROP FUNCTION public.credit_transactions_assign_org_seq();
DROP INDEX public.idx_credit_transactions_org_org_seq;
ALTER TABLE public.credit_transactions DROP COLUMN org_seq;
