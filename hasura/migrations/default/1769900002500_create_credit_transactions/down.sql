DROP TABLE public.credit_transactions;
