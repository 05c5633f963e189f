DROP TABLE public.stripe_events;
