DROP FUNCTION public.cancel_plan_change(text);
DROP FUNCTION public.change_plan(text, text, timestamptz);
