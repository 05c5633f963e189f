DROP FUNCTION public.release_credits(text, text, text, timestamptz);
