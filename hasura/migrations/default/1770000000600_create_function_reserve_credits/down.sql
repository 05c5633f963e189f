DROP FUNCTION public.reserve_credits(text, text, text, text, numeric, integer, timestamptz);
DROP FUNCTION public.credits_reservation_json(public.credit_reservations, boolean, public.organization_credit_balances);
DROP FUNCTION public.credits_reservation_json(
    public.credit_reservations, boolean, public.organization_credit_balances, text, text, jsonb);
