DROP FUNCTION public.rollover_periods(timestamptz, integer);
DROP FUNCTION public.credits_roll_one_period(public.organization_credit_balances);
