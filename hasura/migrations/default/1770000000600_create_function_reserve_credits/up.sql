-- What reserve, release and settle answer about a reservation (keys listed in docs/credit-core.md). This form
-- takes the names the caller already has (reserve knows them from its access check), so it is a plain
-- expression the planner inlines into the caller.
CREATE FUNCTION public.credits_reservation_json(
    p_reservation public.credit_reservations, p_replayed boolean, p_balance public.organization_credit_balances,
    p_capability text, p_quality_level text, p_model jsonb)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT jsonb_build_object(
        'reservation_id', p_reservation.id,
        'organization_id', p_reservation.organization_id,
        'status', p_reservation.status,
        'capability', p_capability,
        'quality_level', p_quality_level,
        'reserved_credits', p_reservation.reserved_credits,
        'settled_credits', p_reservation.settled_credits,
        'settled_late', p_reservation.settled_late,
        'release_reason', p_reservation.release_reason,
        'idempotency_key', p_reservation.idempotency_key,
        'model', p_model,
        'created_at', p_reservation.created_at,
        'expires_at', p_reservation.expires_at,
        'settled_at', p_reservation.settled_at,
        'released_at', p_reservation.released_at,
        'expired_at', p_reservation.expired_at,
        'replayed', p_replayed,
        'balance', public.credits_balance_json(p_balance))
$$;

-- The same object, with the capability, quality level and model looked up from the reservation's ids (all
-- three are NOT NULL foreign keys, so the join has exactly one row).
CREATE FUNCTION public.credits_reservation_json(
    p_reservation public.credit_reservations, p_replayed boolean, p_balance public.organization_credit_balances)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT public.credits_reservation_json(
               p_reservation, p_replayed, p_balance, c.unique_name, q.unique_name,
               jsonb_build_object('id', m.id, 'unique_name', m.unique_name, 'model_id', m.model_id,
                                  'name', m.display_name, 'provider', m.provider))
    FROM public.ai_capabilities c, public.quality_levels q, public.llm_models m
    WHERE c.id = p_reservation.ai_capability_id
      AND q.id = p_reservation.quality_level_id
      AND m.id = p_reservation.llm_model_id
$$;

CREATE FUNCTION public.reserve_credits(
    p_organization_id text,
    p_capability text,
    p_quality_level text,
    p_idempotency_key text,
    p_amount numeric DEFAULT NULL,
    p_ttl_seconds integer DEFAULT 300,
    p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance public.organization_credit_balances;
    v_reservation public.credit_reservations;
    v_access jsonb;
    v_amount numeric;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_capability, 'capability');
    PERFORM public.credits_check_text(p_quality_level, 'quality level');
    PERFORM public.credits_check_text(p_idempotency_key, 'idempotency key');
    IF p_amount IS NOT NULL THEN
        PERFORM public.credits_check_amount(p_amount, 'amount');
    END IF;
    IF p_ttl_seconds IS NULL OR p_ttl_seconds < 1 OR p_ttl_seconds > 86400 THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'ttl must be between 1 and 86400 seconds');
    END IF;
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;

    -- The lock comes before the replay lookup and the rate-limit counts, so concurrent reservers of this
    -- organization run one after another and each sees the reservations of those before it.
    v_balance := public.credits_lock_balance(p_organization_id);

    SELECT * INTO v_reservation FROM public.credit_reservations
    WHERE organization_id = p_organization_id AND idempotency_key = p_idempotency_key;
    IF FOUND THEN
        -- The amount is part of the request only when the caller gave one (NULL means "the estimate").
        IF (SELECT unique_name FROM public.ai_capabilities WHERE id = v_reservation.ai_capability_id)
               IS DISTINCT FROM p_capability
           OR (SELECT unique_name FROM public.quality_levels WHERE id = v_reservation.quality_level_id)
               IS DISTINCT FROM p_quality_level
           OR (p_amount IS NOT NULL AND p_amount <> v_reservation.reserved_credits) THEN
            PERFORM public.credits_raise('IDEMPOTENCY_KEY_REUSED',
                'idempotency key was already used for a different reservation');
        END IF;
        RETURN public.credits_reservation_json(v_reservation, true, v_balance);
    END IF;

    v_access := public.credits_evaluate_access(v_balance, p_capability, p_quality_level, p_amount, p_now, false);
    IF NOT (v_access ->> 'allowed')::boolean THEN
        PERFORM public.credits_raise(v_access ->> 'reason', v_access ->> 'message');
    END IF;
    v_amount := (v_access ->> 'requested_credits')::numeric;

    -- The one statement that takes the hold; its condition is invariant 3 (spendable >= amount).
    UPDATE public.organization_credit_balances
    SET reserved_credits = reserved_credits + v_amount
    WHERE id = v_balance.id
      AND monthly_credits + bonus_credits - reserved_credits - used_this_period + overdraft_limit >= v_amount
    RETURNING * INTO v_balance;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('INSUFFICIENT_CREDITS', format('%s credits needed', v_amount));
    END IF;

    INSERT INTO public.credit_reservations
        (organization_id, ai_capability_id, quality_level_id, llm_model_id, reserved_credits, status,
         idempotency_key, expires_at, created_at)
    VALUES
        (p_organization_id, v_access ->> 'capability_id', v_access ->> 'quality_level_id',
         v_access -> 'model' ->> 'id', v_amount, 'pending',
         p_idempotency_key, p_now + make_interval(secs => p_ttl_seconds), p_now)
    RETURNING * INTO v_reservation;

    RETURN public.credits_reservation_json(v_reservation, false, v_balance, p_capability, p_quality_level,
                                           v_access -> 'model');
END
$$;

COMMENT ON FUNCTION public.reserve_credits(text, text, text, text, numeric, integer, timestamptz) IS
  'Holds credits for one AI call (idempotent by organization and key); denials raise their access code.';
