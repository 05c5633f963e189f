DROP FUNCTION public.settle_credits(text, text, numeric, text, jsonb, timestamptz, bigint, bigint, text);

-- Ends a reservation with its real cost (design.md section 5). The settled amount is charged whatever the
-- hold was (the work was done), even into and beyond the overdraft. An expired reservation is still charged
-- (settled_late); a released one is refused. A settle of 0 ends the reservation without a ledger row, since
-- nothing was spent and the ledger refuses zero rows.
CREATE FUNCTION public.settle_credits(
    p_organization_id text,
    p_reservation_id text,
    p_actual_credits numeric,
    p_provider_request_id text DEFAULT NULL,
    p_provider_metadata jsonb DEFAULT NULL,
    p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_before public.organization_credit_balances;
    v_balance public.organization_credit_balances;
    v_reservation public.credit_reservations;
    v_tx public.credit_transactions;
    v_late boolean;
    v_replayed boolean := false;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_reservation_id, 'reservation id');
    PERFORM public.credits_check_amount(p_actual_credits, 'actual credits', p_allow_zero => true);
    IF p_provider_request_id IS NOT NULL THEN
        PERFORM public.credits_check_text(p_provider_request_id, 'provider request id');
    END IF;
    IF p_provider_metadata IS NOT NULL AND jsonb_typeof(p_provider_metadata) <> 'object' THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'provider metadata must be a JSON object');
    END IF;
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;

    v_before := public.credits_lock_balance(p_organization_id);
    v_balance := v_before;
    -- The common case first, in one statement: a pending or expired reservation becomes settled (pending: the
    -- hold turns into usage; expired: the hold is already gone, only the usage is added). settled_late reads
    -- the status before the update. An error raised below rolls this back with the rest of the call.
    UPDATE public.credit_reservations
    SET status = 'settled', settled_credits = p_actual_credits, settled_at = p_now,
        settled_late = (status = 'expired')
    WHERE id = p_reservation_id AND organization_id = p_organization_id AND status IN ('pending', 'expired')
    RETURNING * INTO v_reservation;

    IF FOUND THEN
        v_late := v_reservation.settled_late;
        IF v_before.used_this_period + p_actual_credits > 9999999999.99 THEN
            PERFORM public.credits_raise('INVALID_AMOUNT', 'the usage would exceed the largest storable amount');
        END IF;
        UPDATE public.organization_credit_balances
        SET reserved_credits = reserved_credits - CASE WHEN v_late THEN 0 ELSE v_reservation.reserved_credits END,
            used_this_period = used_this_period + p_actual_credits
        WHERE id = v_before.id
        RETURNING * INTO v_balance;

        IF p_actual_credits > 0 THEN
            INSERT INTO public.credit_transactions
                (organization_id, transaction_type, credits_amount, estimated_credits, balance_after,
                 ai_capability_id, quality_level_id, llm_model_id, reservation_id, provider_request_id,
                 provider_metadata, idempotency_key, description, created_at)
            VALUES
                (p_organization_id, 'ai_consumption', -p_actual_credits, v_reservation.reserved_credits,
                 v_balance.monthly_credits + v_balance.bonus_credits - v_balance.used_this_period,
                 v_reservation.ai_capability_id, v_reservation.quality_level_id, v_reservation.llm_model_id,
                 v_reservation.id, p_provider_request_id, p_provider_metadata,
                 'settle:' || v_reservation.id,
                 CASE WHEN v_late THEN 'AI usage (settled after the reservation expired)' ELSE 'AI usage' END,
                 p_now)
            RETURNING * INTO v_tx;
        END IF;
        PERFORM public.credits_notify_crossing(v_before, v_balance);
    ELSE
        SELECT * INTO v_reservation FROM public.credit_reservations
        WHERE id = p_reservation_id AND organization_id = p_organization_id
        FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM public.credits_raise('RESERVATION_NOT_FOUND',
                format('reservation %s not found', p_reservation_id));
        ELSIF v_reservation.status = 'released' THEN
            PERFORM public.credits_raise('RESERVATION_RELEASED',
                format('reservation %s was released and cannot be settled', p_reservation_id));
        END IF;
        -- settled before: the same amount is a replay of that answer, another amount an error.
        IF v_reservation.settled_credits <> p_actual_credits THEN
            PERFORM public.credits_raise('RESERVATION_ALREADY_SETTLED',
                format('reservation %s was already settled with %s credits', p_reservation_id,
                       v_reservation.settled_credits));
        END IF;
        v_replayed := true;
        SELECT * INTO v_tx FROM public.credit_transactions
        WHERE reservation_id = v_reservation.id AND transaction_type = 'ai_consumption';
    END IF;

    RETURN public.credits_reservation_json(v_reservation, v_replayed, v_balance) || jsonb_build_object(
        'transaction_id', v_tx.id,
        'credits_amount', v_tx.credits_amount,
        'estimated_credits', v_tx.estimated_credits,
        'estimation_variance', v_tx.estimation_variance,
        'balance_after', v_tx.balance_after,
        'provider_request_id', v_tx.provider_request_id);
END
$$;

COMMENT ON FUNCTION public.settle_credits(text, text, numeric, text, jsonb, timestamptz) IS
  'Settles a reservation with its actual cost exactly once; writes one ai_consumption ledger row.';
