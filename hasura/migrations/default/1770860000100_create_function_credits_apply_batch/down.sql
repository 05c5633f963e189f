DROP FUNCTION public.credits_apply_batch(text, jsonb);
