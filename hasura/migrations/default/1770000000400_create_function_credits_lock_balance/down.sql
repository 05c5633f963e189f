DROP FUNCTION public.credits_lock_balance(text);
DROP FUNCTION public.credits_raise_missing_balance(text);
