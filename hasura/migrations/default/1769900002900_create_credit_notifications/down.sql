DROP TABLE public.credit_notifications;
