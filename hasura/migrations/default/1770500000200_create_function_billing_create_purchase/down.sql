DROP FUNCTION public.billing_attach_checkout_session(text, text, text);
DROP FUNCTION public.billing_set_stripe_customer(text, text);
DROP FUNCTION public.billing_create_purchase(text, text, text, timestamptz);
DROP FUNCTION public.billing_raise(text, text);
