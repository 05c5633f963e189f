DROP FUNCTION public.billing_process_stripe_event(text, timestamptz);
DROP FUNCTION public.billing_save_payment_method(text, text);
DROP FUNCTION public.billing_record_auto_topup_failure(text, text, text, timestamptz);
DROP FUNCTION public.billing_claw_back(text, text, text, integer, integer, timestamptz);
DROP FUNCTION public.billing_close_purchase(text, text, text, text);
DROP FUNCTION public.billing_fulfil_purchase(text, text, text, integer, text, timestamptz);
