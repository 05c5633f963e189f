DROP FUNCTION public.credits_usage_price(bigint, bigint, numeric, numeric, numeric);
