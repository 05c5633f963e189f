DROP TABLE public.credit_purchases;
