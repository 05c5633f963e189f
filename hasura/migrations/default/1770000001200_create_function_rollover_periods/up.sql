-- Closes one ended period of a locked balance row and opens the next (design.md section 5):
--   1. a downgrade scheduled for this boundary takes effect;
--   2. unused monthly credits expire (one expiration row); overspend beyond the monthly credits comes out of
--      bonus credits, and what bonus cannot cover stays in used_this_period as debt of the new period
--      (this moves no balance, so it has no ledger row: monthly + bonus - used is unchanged);
--   3. the plan's monthly credits are allocated for the new period (one plan_allocation row);
--   4. the period advances by one calendar month (from the old end, so a period starting on the 31st
--      moves to the 28th/30th after a short month and stays there), in step with organization_plans.
-- Ledger rows are stamped with the boundary, so a late catch-up still dates each period's rows correctly,
-- and their keys name the organization and period, which makes a second rollover of one period impossible.
CREATE FUNCTION public.credits_roll_one_period(p_balance public.organization_credit_balances)
RETURNS public.organization_credit_balances
LANGUAGE plpgsql
AS $$
DECLARE
    v_boundary timestamptz := p_balance.period_end;
    v_next_end timestamptz := p_balance.period_end + interval '1 month';
    v_plan public.organization_plans;
    v_balance public.organization_credit_balances := p_balance;
    v_unused numeric := p_balance.monthly_credits - p_balance.used_this_period;
    v_allocation numeric := 0;
BEGIN
    SELECT * INTO v_plan FROM public.organization_plans
    WHERE organization_id = p_balance.organization_id AND status <> 'canceled'
    FOR UPDATE;

    IF v_plan.pending_plan_id IS NOT NULL AND v_plan.pending_change_at <= v_boundary THEN
        UPDATE public.organization_plans op
        SET plan_id = op.pending_plan_id,
            monthly_ai_credits = (SELECT p.monthly_ai_credits FROM public.plans p WHERE p.id = op.pending_plan_id),
            pending_plan_id = NULL,
            pending_change_at = NULL
        WHERE op.id = v_plan.id
        RETURNING * INTO v_plan;
    END IF;

    IF v_unused > 0 THEN
        v_balance.monthly_credits := 0;
        v_balance.used_this_period := 0;
        INSERT INTO public.credit_transactions
            (organization_id, transaction_type, credits_amount, balance_after, idempotency_key, description, created_at)
        VALUES
            (p_balance.organization_id, 'expiration', -v_unused, v_balance.bonus_credits,
             'expire:' || p_balance.organization_id || ':'
                 || to_char(p_balance.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             'Unused monthly credits expired at period end', v_boundary);
    ELSE
        v_balance.monthly_credits := 0;
        v_balance.used_this_period := 0;
        v_balance := public.credits_take_from_bonus(v_balance, -v_unused);
    END IF;

    IF v_plan.id IS NOT NULL AND v_plan.status IN ('active', 'past_due') THEN
        v_allocation := v_plan.monthly_ai_credits;
    END IF;
    v_balance.monthly_credits := v_allocation;
    IF v_allocation > 0 THEN
        INSERT INTO public.credit_transactions
            (organization_id, transaction_type, credits_amount, balance_after, idempotency_key, description, created_at)
        VALUES
            (p_balance.organization_id, 'plan_allocation', v_allocation,
             v_balance.monthly_credits + v_balance.bonus_credits - v_balance.used_this_period,
             public.plan_allocation_idempotency_key(p_balance.organization_id, v_boundary),
             'Monthly credit allocation', v_boundary);
    END IF;

    UPDATE public.organization_credit_balances
    SET monthly_credits = v_balance.monthly_credits,
        bonus_credits = v_balance.bonus_credits,
        used_this_period = v_balance.used_this_period,
        period_start = v_boundary,
        period_end = v_next_end
    WHERE id = p_balance.id
    RETURNING * INTO v_balance;

    IF v_plan.id IS NOT NULL THEN
        UPDATE public.organization_plans
        SET current_period_start = v_boundary, current_period_end = v_next_end
        WHERE id = v_plan.id;
    END IF;
    RETURN v_balance;
END
$$;

-- Rolls every period that has ended by p_now, for at most p_batch organizations per call (call again while
-- it returns rows), catching up several missed periods of one organization in order. SKIP LOCKED leaves an
-- organization busy elsewhere (or in a concurrent rollover) for the next call. Returns the number of
-- periods rolled.
CREATE FUNCTION public.rollover_periods(p_now timestamptz DEFAULT now(), p_batch integer DEFAULT 100)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance public.organization_credit_balances;
    v_rolled integer := 0;
    v_periods integer;
BEGIN
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;
    IF p_batch IS NULL OR p_batch < 1 OR p_batch > 10000 THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'batch must be between 1 and 10000');
    END IF;

    FOR v_balance IN
        SELECT * FROM public.organization_credit_balances
        WHERE period_end <= p_now
        ORDER BY period_end
        LIMIT p_batch
        FOR UPDATE SKIP LOCKED
    LOOP
        v_periods := 0;
        -- 1200 months bounds one call's work for a row whose period is absurdly far behind.
        WHILE v_balance.period_end <= p_now AND v_periods < 1200 LOOP
            v_balance := public.credits_roll_one_period(v_balance);
            v_periods := v_periods + 1;
        END LOOP;
        v_rolled := v_rolled + v_periods;
    END LOOP;
    RETURN v_rolled;
END
$$;

COMMENT ON FUNCTION public.rollover_periods(timestamptz, integer) IS
  'Closes ended billing periods (expiration, bonus spillover, debt, pending downgrade, allocation); returns periods rolled.';
