DROP FUNCTION public.check_credit_invariants(text);
DROP FUNCTION public.reconcile_credit_balances(text);
