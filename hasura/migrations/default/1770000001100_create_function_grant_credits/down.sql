DROP FUNCTION public.grant_credits(text, numeric, text, text, text, jsonb, timestamptz);
DROP FUNCTION public.credits_take_from_bonus(public.organization_credit_balances, numeric);
