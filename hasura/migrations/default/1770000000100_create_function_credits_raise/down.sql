DROP FUNCTION public.credits_check_text(text, text, integer);
DROP FUNCTION public.credits_check_amount(numeric, text, boolean, boolean);
DROP FUNCTION public.credits_raise(text, text);
