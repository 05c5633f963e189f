DROP FUNCTION public.add_updated_at_trigger(text, text);
DROP FUNCTION public.set_current_timestamp_updated_at();
