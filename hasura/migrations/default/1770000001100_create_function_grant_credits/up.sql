-- Takes credits away the way every negative non-consumption change does: out of bonus credits first, the
-- rest into used_this_period, where it is debt that blocks reservations until credits come back.
-- Returns the changed row; monthly credits are never reduced (they expire at period end anyway).
CREATE FUNCTION public.credits_take_from_bonus(p_balance public.organization_credit_balances, p_credits numeric)
RETURNS public.organization_credit_balances
LANGUAGE plpgsql
IMMUTABLE
AS $$
DECLARE
    v_from_bonus numeric := least(p_credits, p_balance.bonus_credits);
BEGIN
    p_balance.bonus_credits := p_balance.bonus_credits - v_from_bonus;
    p_balance.used_this_period := p_balance.used_this_period + (p_credits - v_from_bonus);
    RETURN p_balance;
END
$$;

-- Grants and adjustments (design.md section 5). p_amount is the signed change of the balance:
--   plan_allocation, plan_change_adjustment       > 0, into monthly_credits (expire at period end)
--   promo_bonus, topup_purchase                   > 0, into bonus_credits (kept across periods)
--   topup_refund                                  < 0, out of bonus, the rest becomes debt
--   admin_adjustment                              <> 0; > 0 into bonus_credits (an operator's correction should
--                                                 not silently expire), < 0 like a refund
-- Idempotent by (organization, key): the same key with the same type and amount answers the first grant.
CREATE FUNCTION public.grant_credits(
    p_organization_id text,
    p_amount numeric,
    p_type text,
    p_idempotency_key text,
    p_description text DEFAULT NULL,
    p_metadata jsonb DEFAULT NULL,
    p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_before public.organization_credit_balances;
    v_after public.organization_credit_balances;
    v_tx public.credit_transactions;
    v_key text;
    v_replayed boolean := false;
    v_growing numeric;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    IF p_type IS NULL OR p_type NOT IN ('plan_allocation', 'plan_change_adjustment', 'promo_bonus',
                                        'topup_purchase', 'topup_refund', 'admin_adjustment') THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', format('%L is not a grant type', p_type));
    END IF;
    PERFORM public.credits_check_amount(p_amount, 'amount', p_allow_negative => p_type IN ('topup_refund', 'admin_adjustment'));
    IF p_type = 'topup_refund' AND p_amount > 0 THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', 'a topup_refund amount is negative (credits taken back)');
    END IF;
    PERFORM public.credits_check_text(p_idempotency_key, 'idempotency key');
    IF p_description IS NOT NULL AND length(p_description) > 1000 THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'description must be at most 1000 characters');
    END IF;
    IF p_metadata IS NOT NULL AND jsonb_typeof(p_metadata) <> 'object' THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'metadata must be a JSON object');
    END IF;
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;

    -- Ledger keys are global; the prefix scopes the caller's key to the organization and keeps it apart
    -- from the keys the credit functions write themselves (settle:, alloc:, expire:, plan_change:).
    v_key := 'grant:' || p_organization_id || ':' || p_idempotency_key;
    v_before := public.credits_lock_balance(p_organization_id);
    v_after := v_before;

    SELECT * INTO v_tx FROM public.credit_transactions WHERE idempotency_key = v_key;
    IF FOUND THEN
        IF v_tx.transaction_type <> p_type OR v_tx.credits_amount <> p_amount THEN
            PERFORM public.credits_raise('IDEMPOTENCY_KEY_REUSED',
                'idempotency key was already used for a different grant');
        END IF;
        v_replayed := true;
    ELSE
        -- A numeric(12,2) counter would overflow with a database error; refuse with a code instead (checked
        -- on the counter this grant can grow: monthly, bonus, or used for a take).
        v_growing := CASE WHEN p_type IN ('plan_allocation', 'plan_change_adjustment') THEN v_before.monthly_credits
                          WHEN p_amount > 0 THEN v_before.bonus_credits
                          ELSE v_before.used_this_period END;
        IF v_growing + abs(p_amount) > 9999999999.99 THEN
            PERFORM public.credits_raise('INVALID_AMOUNT', 'the balance would exceed the largest storable amount');
        END IF;
        IF p_type IN ('plan_allocation', 'plan_change_adjustment') THEN
            v_after.monthly_credits := v_after.monthly_credits + p_amount;
        ELSIF p_amount > 0 THEN
            v_after.bonus_credits := v_after.bonus_credits + p_amount;
        ELSE
            v_after := public.credits_take_from_bonus(v_after, -p_amount);
        END IF;

        UPDATE public.organization_credit_balances
        SET monthly_credits = v_after.monthly_credits,
            bonus_credits = v_after.bonus_credits,
            used_this_period = v_after.used_this_period
        WHERE id = v_before.id
        RETURNING * INTO v_after;

        INSERT INTO public.credit_transactions
            (organization_id, transaction_type, credits_amount, balance_after, provider_metadata,
             idempotency_key, description, created_at)
        VALUES
            (p_organization_id, p_type, p_amount,
             v_after.monthly_credits + v_after.bonus_credits - v_after.used_this_period,
             p_metadata, v_key, p_description, p_now)
        RETURNING * INTO v_tx;

        PERFORM public.credits_notify_crossing(v_before, v_after);
    END IF;

    RETURN jsonb_build_object(
        'transaction_id', v_tx.id,
        'organization_id', v_tx.organization_id,
        'transaction_type', v_tx.transaction_type,
        'credits_amount', v_tx.credits_amount,
        'balance_after', v_tx.balance_after,
        'idempotency_key', p_idempotency_key,
        'description', v_tx.description,
        'created_at', v_tx.created_at,
        'replayed', v_replayed,
        'balance', public.credits_balance_json(v_after));
END
$$;

COMMENT ON FUNCTION public.grant_credits(text, numeric, text, text, text, jsonb, timestamptz) IS
  'Grants or takes back credits with one ledger row; idempotent by organization and key.';
