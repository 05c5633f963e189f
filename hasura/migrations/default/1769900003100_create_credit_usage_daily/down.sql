DROP VIEW public.credit_usage_daily;
