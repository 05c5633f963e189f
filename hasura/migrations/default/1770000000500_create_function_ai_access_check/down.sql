DROP FUNCTION public.ai_access_check(text, text, text, timestamptz);
DROP FUNCTION public.credits_evaluate_access(public.organization_credit_balances, text, text, numeric, timestamptz, boolean);
