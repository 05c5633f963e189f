DROP TABLE public.organization_credit_balances;
