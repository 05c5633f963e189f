-- Plan changes (design.md section 5). A plan with at least as many monthly credits as the organization has
-- now is an upgrade: it takes effect at p_now, and the organization gets the extra credits for the rest of
-- the period, prorated by time: round((new - old) * (period_end - now) / (period_end - period_start), 2),
-- rounded half away from zero (numeric round), as one plan_change_adjustment row into monthly credits.
-- A plan with fewer credits is a downgrade: scheduled for period end (pending_plan_id), applied by
-- rollover_periods, cancellable. Asking for the current plan while a downgrade is pending cancels it.
CREATE FUNCTION public.change_plan(p_organization_id text, p_plan_id text, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_before public.organization_credit_balances;
    v_balance public.organization_credit_balances;
    v_current public.organization_plans;
    v_new public.plans;
    v_previous_plan_id text;
    v_fraction numeric;
    v_adjustment numeric := 0;
    v_tx_id text;
    v_effect text;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_plan_id, 'plan id');
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;
    SELECT * INTO v_new FROM public.plans WHERE id = p_plan_id AND is_active;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('PLAN_NOT_FOUND', format('plan %s not found or not active', p_plan_id));
    END IF;

    v_before := public.credits_lock_balance(p_organization_id);
    v_balance := v_before;
    SELECT * INTO v_current FROM public.organization_plans
    WHERE organization_id = p_organization_id AND status IN ('active', 'past_due')
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('NO_ACTIVE_PLAN', 'the organization has no active plan to change');
    END IF;
    v_previous_plan_id := v_current.plan_id;

    IF v_new.id = v_current.plan_id THEN
        IF v_current.pending_plan_id IS NULL THEN
            PERFORM public.credits_raise('PLAN_UNCHANGED', format('the organization is already on plan %s', p_plan_id));
        END IF;
        v_effect := 'cancelled';
        UPDATE public.organization_plans SET pending_plan_id = NULL, pending_change_at = NULL
        WHERE id = v_current.id RETURNING * INTO v_current;
    ELSIF v_new.monthly_ai_credits >= v_current.monthly_ai_credits THEN
        v_effect := 'upgraded';
        v_fraction := greatest(0, least(1,
            extract(epoch FROM v_balance.period_end - p_now) / extract(epoch FROM v_balance.period_end - v_balance.period_start)));
        v_adjustment := round((v_new.monthly_ai_credits - v_current.monthly_ai_credits) * v_fraction, 2);
        IF v_adjustment > 0 THEN
            UPDATE public.organization_credit_balances
            SET monthly_credits = monthly_credits + v_adjustment
            WHERE id = v_before.id
            RETURNING * INTO v_balance;
            INSERT INTO public.credit_transactions
                (organization_id, transaction_type, credits_amount, balance_after, idempotency_key, description,
                 created_at)
            VALUES
                (p_organization_id, 'plan_change_adjustment', v_adjustment,
                 v_balance.monthly_credits + v_balance.bonus_credits - v_balance.used_this_period,
                 'plan_change:' || p_organization_id || ':' || public.generate_nanoid_12(),
                 format('Upgrade from %s to %s, prorated for the rest of the period', v_current.plan_id, v_new.id),
                 p_now)
            RETURNING id INTO v_tx_id;
            PERFORM public.credits_notify_crossing(v_before, v_balance);
        END IF;
        UPDATE public.organization_plans
        SET plan_id = v_new.id, monthly_ai_credits = v_new.monthly_ai_credits,
            pending_plan_id = NULL, pending_change_at = NULL
        WHERE id = v_current.id RETURNING * INTO v_current;
    ELSE
        v_effect := 'scheduled';
        UPDATE public.organization_plans
        SET pending_plan_id = v_new.id, pending_change_at = v_balance.period_end
        WHERE id = v_current.id RETURNING * INTO v_current;
    END IF;

    RETURN jsonb_build_object(
        'organization_id', p_organization_id,
        'effect', v_effect,
        'plan_id', v_current.plan_id,
        'previous_plan_id', v_previous_plan_id,
        'pending_plan_id', v_current.pending_plan_id,
        'pending_change_at', v_current.pending_change_at,
        'adjustment_credits', v_adjustment,
        'transaction_id', v_tx_id,
        'balance', public.credits_balance_json(v_balance));
END
$$;

COMMENT ON FUNCTION public.change_plan(text, text, timestamptz) IS
  'Upgrades now with a prorated plan_change_adjustment, or schedules a downgrade for period end.';

CREATE FUNCTION public.cancel_plan_change(p_organization_id text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance public.organization_credit_balances;
    v_current public.organization_plans;
    v_cancelled boolean;
BEGIN
    v_balance := public.credits_lock_balance(p_organization_id);
    SELECT * INTO v_current FROM public.organization_plans
    WHERE organization_id = p_organization_id AND status IN ('active', 'past_due')
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('NO_ACTIVE_PLAN', 'the organization has no active plan');
    END IF;
    v_cancelled := v_current.pending_plan_id IS NOT NULL;
    IF v_cancelled THEN
        UPDATE public.organization_plans SET pending_plan_id = NULL, pending_change_at = NULL
        WHERE id = v_current.id RETURNING * INTO v_current;
    END IF;
    RETURN jsonb_build_object(
        'organization_id', p_organization_id,
        'cancelled', v_cancelled,
        'plan_id', v_current.plan_id,
        'pending_plan_id', v_current.pending_plan_id,
        'balance', public.credits_balance_json(v_balance));
END
$$;

COMMENT ON FUNCTION public.cancel_plan_change(text) IS
  'Cancels a scheduled downgrade; cancelled=false when none was pending.';
