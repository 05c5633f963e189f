-- The AI call failed: give the hold back. Releasing twice answers the first release again. Releasing an
-- expired reservation records the release (so a later settle is refused as RESERVATION_RELEASED) and
-- changes no balance: expiry already gave the hold back.
CREATE FUNCTION public.release_credits(
    p_organization_id text,
    p_reservation_id text,
    p_reason text,
    p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance public.organization_credit_balances;
    v_reservation public.credit_reservations;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_reservation_id, 'reservation id');
    PERFORM public.credits_check_text(p_reason, 'release reason', 1000);
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;

    v_balance := public.credits_lock_balance(p_organization_id);
    SELECT * INTO v_reservation FROM public.credit_reservations
    WHERE id = p_reservation_id AND organization_id = p_organization_id
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('RESERVATION_NOT_FOUND', format('reservation %s not found', p_reservation_id));
    END IF;

    IF v_reservation.status = 'released' THEN
        RETURN public.credits_reservation_json(v_reservation, true, v_balance);
    ELSIF v_reservation.status = 'settled' THEN
        PERFORM public.credits_raise('RESERVATION_NOT_PENDING',
            format('reservation %s was already settled', p_reservation_id));
    END IF;

    IF v_reservation.status = 'pending' THEN
        UPDATE public.organization_credit_balances
        SET reserved_credits = reserved_credits - v_reservation.reserved_credits
        WHERE id = v_balance.id
        RETURNING * INTO v_balance;
    END IF;
    UPDATE public.credit_reservations
    SET status = 'released', released_at = p_now, release_reason = p_reason
    WHERE id = v_reservation.id
    RETURNING * INTO v_reservation;

    RETURN public.credits_reservation_json(v_reservation, false, v_balance);
END
$$;

COMMENT ON FUNCTION public.release_credits(text, text, text, timestamptz) IS
  'Releases a pending (or expired) reservation; idempotent; RESERVATION_NOT_PENDING once settled.';
