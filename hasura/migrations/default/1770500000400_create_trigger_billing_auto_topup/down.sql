DROP TRIGGER billing_auto_topup_on_balance_change ON public.organization_credit_balances;
DROP FUNCTION public.billing_auto_topup_on_balance_change();
DROP TRIGGER billing_auto_topup_rearm ON public.organization_credit_settings;
DROP FUNCTION public.billing_auto_topup_rearm();
