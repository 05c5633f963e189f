-- Settle gains two things (design.md section 5, docs/credit-core.md):
-- * a ceiling: one settle may charge at most min(hold × factor, absolute cap) from credit_pricing (the plan's
--   row over the global one), so a leaked or buggy service token cannot ruin a tenant in one call; more is
--   an admin adjustment;
-- * settling by token usage instead of an amount: the credits are priced here from the model's list prices
--   and credits_per_usd, and the ledger row records the tokens, the model used and the provider cost. The
--   model may be the reserved one or any model of the organization's plan for the reserved capability and
--   quality level (a fallback).
-- The usage arguments come last, so existing positional calls keep their meaning.
DROP FUNCTION public.settle_credits(text, text, numeric, text, jsonb, timestamptz);

CREATE FUNCTION public.settle_credits(
    p_organization_id text,
    p_reservation_id text,
    p_actual_credits numeric,
    p_provider_request_id text DEFAULT NULL,
    p_provider_metadata jsonb DEFAULT NULL,
    p_now timestamptz DEFAULT now(),
    p_input_tokens bigint DEFAULT NULL,
    p_output_tokens bigint DEFAULT NULL,
    p_model text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_before public.organization_credit_balances;
    v_balance public.organization_credit_balances;
    v_reservation public.credit_reservations;
    v_tx public.credit_transactions;
    v_model public.llm_models;
    v_by_usage boolean;
    v_amount numeric;
    v_cost_usd numeric;
    v_credits_per_usd numeric;
    v_factor numeric;
    v_cap numeric;
    v_ceiling numeric;
    v_late boolean;
    v_replayed boolean := false;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_reservation_id, 'reservation id');
    v_by_usage := p_input_tokens IS NOT NULL OR p_output_tokens IS NOT NULL OR p_model IS NOT NULL;
    IF v_by_usage THEN
        IF p_actual_credits IS NOT NULL THEN
            PERFORM public.credits_raise('INVALID_ARGUMENT', 'give either actual credits or usage, not both');
        ELSIF p_input_tokens IS NULL OR p_output_tokens IS NULL THEN
            PERFORM public.credits_raise('INVALID_ARGUMENT', 'usage needs input tokens and output tokens');
        ELSIF p_input_tokens < 0 OR p_output_tokens < 0 THEN
            PERFORM public.credits_raise('INVALID_ARGUMENT', 'token counts must not be negative');
        ELSIF p_input_tokens > 1000000000000 OR p_output_tokens > 1000000000000 THEN
            PERFORM public.credits_raise('INVALID_ARGUMENT', 'token counts must be at most 1000000000000');
        END IF;
        PERFORM public.credits_check_text(p_model, 'model');
    ELSE
        PERFORM public.credits_check_amount(p_actual_credits, 'actual credits', p_allow_zero => true);
    END IF;
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

    -- The plan's settings over the global row (the plan is the organization's current one).
    SELECT coalesce(pp.credits_per_usd, g.credits_per_usd),
           coalesce(pp.settle_ceiling_factor, g.settle_ceiling_factor),
           coalesce(pp.settle_ceiling_credits, g.settle_ceiling_credits)
    INTO v_credits_per_usd, v_factor, v_cap
    FROM public.credit_pricing g
    LEFT JOIN public.organization_plans op
           ON op.organization_id = p_organization_id AND op.status IN ('active', 'past_due')
    LEFT JOIN public.credit_pricing pp ON pp.plan_id = op.plan_id
    WHERE g.plan_id IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'credit_pricing has no global row (plan_id NULL)';
    END IF;

    v_amount := p_actual_credits;
    IF v_by_usage THEN
        -- Pricing needs the reservation (which capability and level, which model was reserved). The balance
        -- row lock already serializes every writer of this organization.
        SELECT * INTO v_reservation FROM public.credit_reservations
        WHERE id = p_reservation_id AND organization_id = p_organization_id;
        IF NOT FOUND THEN
            PERFORM public.credits_raise('RESERVATION_NOT_FOUND',
                format('reservation %s not found', p_reservation_id));
        ELSIF v_reservation.status = 'released' THEN
            PERFORM public.credits_raise('RESERVATION_RELEASED',
                format('reservation %s was released and cannot be settled', p_reservation_id));
        END IF;
        SELECT * INTO v_model FROM public.llm_models WHERE unique_name = p_model;
        IF NOT FOUND THEN
            PERFORM public.credits_raise('MODEL_UNKNOWN', format('model %s is not in the catalog', p_model));
        END IF;
        IF v_model.id <> v_reservation.llm_model_id AND NOT EXISTS (
            SELECT 1
            FROM public.organization_plans op
            JOIN public.plan_ai_capabilities pac
              ON pac.plan_id = op.plan_id AND pac.ai_capability_id = v_reservation.ai_capability_id
            JOIN public.plan_ai_capability_quality_levels x
              ON x.plan_ai_capability_id = pac.id AND x.quality_level_id = v_reservation.quality_level_id
            JOIN public.plan_quality_level_models pm
              ON pm.plan_ai_capability_quality_level_id = x.id AND pm.llm_model_id = v_model.id
            WHERE op.organization_id = p_organization_id AND op.status IN ('active', 'past_due'))
        THEN
            PERFORM public.credits_raise('MODEL_NOT_ALLOWED',
                format('model %s is not one of the plan''s models for this capability and quality level',
                       p_model));
        END IF;
        IF v_model.input_cost_per_million IS NULL OR v_model.output_cost_per_million IS NULL THEN
            PERFORM public.credits_raise('MODEL_PRICE_MISSING',
                format('model %s has no token prices configured; settle with an amount instead', p_model));
        END IF;
        SELECT u.cost_usd, u.credits INTO v_cost_usd, v_amount
        FROM public.credits_usage_price(p_input_tokens, p_output_tokens, v_model.input_cost_per_million,
                                        v_model.output_cost_per_million, v_credits_per_usd) AS u;
    END IF;

    -- The common case first, in one statement: a pending or expired reservation becomes settled (pending: the
    -- hold turns into usage; expired: the hold is already gone, only the usage is added). settled_late reads
    -- the status before the update. An error raised below rolls this back with the rest of the call.
    UPDATE public.credit_reservations
    SET status = 'settled', settled_credits = v_amount, settled_at = p_now,
        settled_late = (status = 'expired')
    WHERE id = p_reservation_id AND organization_id = p_organization_id AND status IN ('pending', 'expired')
    RETURNING * INTO v_reservation;

    IF FOUND THEN
        v_late := v_reservation.settled_late;
        v_ceiling := least(v_reservation.reserved_credits * v_factor, v_cap);
        IF v_amount > v_ceiling THEN
            PERFORM public.credits_raise('SETTLE_CEILING_EXCEEDED',
                format('a settle may charge at most %s credits for a hold of %s (asked %s); '
                       'an admin adjustment charges more', round(v_ceiling, 2), v_reservation.reserved_credits,
                       v_amount));
        END IF;
        IF v_before.used_this_period + v_amount > 9999999999.99 THEN
            PERFORM public.credits_raise('INVALID_AMOUNT', 'the usage would exceed the largest storable amount');
        END IF;
        UPDATE public.organization_credit_balances
        SET reserved_credits = reserved_credits - CASE WHEN v_late THEN 0 ELSE v_reservation.reserved_credits END,
            used_this_period = used_this_period + v_amount
        WHERE id = v_before.id
        RETURNING * INTO v_balance;

        IF v_amount > 0 THEN
            INSERT INTO public.credit_transactions
                (organization_id, transaction_type, credits_amount, estimated_credits, balance_after,
                 ai_capability_id, quality_level_id, llm_model_id, reservation_id, provider_request_id,
                 provider_metadata, idempotency_key, description, created_at,
                 input_tokens, output_tokens, provider_cost_usd)
            VALUES
                (p_organization_id, 'ai_consumption', -v_amount, v_reservation.reserved_credits,
                 v_balance.monthly_credits + v_balance.bonus_credits - v_balance.used_this_period,
                 v_reservation.ai_capability_id, v_reservation.quality_level_id,
                 coalesce(v_model.id, v_reservation.llm_model_id),
                 v_reservation.id, p_provider_request_id, p_provider_metadata,
                 'settle:' || v_reservation.id,
                 CASE WHEN v_late THEN 'AI usage (settled after the reservation expired)' ELSE 'AI usage' END,
                 p_now, p_input_tokens, p_output_tokens, v_cost_usd)
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
        IF v_reservation.settled_credits <> v_amount THEN
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
        'provider_request_id', v_tx.provider_request_id,
        'input_tokens', coalesce(v_tx.input_tokens, p_input_tokens),
        'output_tokens', coalesce(v_tx.output_tokens, p_output_tokens),
        'provider_cost_usd', coalesce(v_tx.provider_cost_usd, v_cost_usd),
        'settled_model', coalesce(
            (SELECT m.unique_name FROM public.llm_models m WHERE m.id = v_tx.llm_model_id),
            v_model.unique_name));
END
$$;

COMMENT ON FUNCTION public.settle_credits(text, text, numeric, text, jsonb, timestamptz, bigint, bigint, text) IS
  'Settles a reservation exactly once, by amount or by token usage priced from llm_models and credit_pricing, within the settle ceiling; writes one ai_consumption ledger row.';
