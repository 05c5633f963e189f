DROP TABLE public.credit_reservations;
