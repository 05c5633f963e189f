DROP FUNCTION public.settle_credits(text, text, numeric, text, jsonb, timestamptz);
