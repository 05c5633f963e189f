DROP FUNCTION public.organizations_credits_spendable(public.organizations);
DROP FUNCTION public.organizations_credits_available(public.organizations);
DROP FUNCTION public.organizations_credits_used_this_period(public.organizations);
