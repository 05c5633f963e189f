DROP TABLE public.credit_topup_packages;
