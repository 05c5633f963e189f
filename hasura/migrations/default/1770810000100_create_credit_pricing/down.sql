DROP TABLE public.credit_pricing;
