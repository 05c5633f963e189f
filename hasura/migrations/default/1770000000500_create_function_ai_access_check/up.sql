-- One place for the access rule (design.md section 7). ai_access_check() answers it for a read; reserve_credits()
-- asks the same function with the balance row it has locked and turns a denial into an error. reserve asks with
-- p_detail = false: the same decision, without the lists only the read answer shows (models, allowed levels,
-- unlock plans, balance), which were most of its cost.
-- Denials, in the order they are checked: CAPABILITY_UNKNOWN, QUALITY_LEVEL_UNKNOWN, NO_ACTIVE_PLAN,
-- CAPABILITY_NOT_IN_PLAN, CAPABILITY_DISABLED, QUALITY_LEVEL_NOT_ALLOWED, NO_MODEL_AVAILABLE, RATE_LIMIT_MINUTE,
-- RATE_LIMIT_DAY, INSUFFICIENT_CREDITS.
CREATE FUNCTION public.credits_evaluate_access(
    p_balance public.organization_credit_balances,
    p_capability text,
    p_quality_level text,
    p_amount numeric,
    p_now timestamptz,
    p_detail boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_plan_id text;
    v_plan_unique_name text;
    v_plan_name text;
    v_cap_id text;
    v_cap_name text;
    v_cap_fast numeric;
    v_cap_enhanced numeric;
    v_cap_premium numeric;
    v_level_id text;
    v_level_unique_name text;
    v_level_name text;
    v_level_multiplier numeric;
    v_pac_id text;
    v_pac_enabled boolean;
    v_rpm_limit integer;
    v_rpd_limit integer;
    v_pacql_id text;
    v_estimate numeric;
    v_needed numeric;
    v_spendable numeric := public.organization_credit_balances_spendable(p_balance);
    v_rpm_used integer;
    v_rpd_used integer;
    v_model jsonb;
    v_models jsonb := '[]';
    v_levels jsonb := '[]';
    v_unlock jsonb := '[]';
    v_reason text;
    v_message text;
BEGIN
    -- Every catalog lookup in one statement (each join is on a unique key, so at most one row).
    SELECT p.id, p.unique_name, p.name,
           c.id, c.name, c.estimated_credits_fast, c.estimated_credits_enhanced, c.estimated_credits_premium,
           q.id, q.unique_name, q.name, q.credit_multiplier,
           pac.id, pac.is_enabled, pac.rate_limit_rpm, pac.rate_limit_rpd,
           x.id,
           CASE WHEN dm.id IS NOT NULL THEN
               jsonb_build_object('id', dm.id, 'unique_name', dm.unique_name, 'model_id', dm.model_id,
                                  'name', dm.display_name, 'provider', dm.provider) END
    INTO v_plan_id, v_plan_unique_name, v_plan_name,
         v_cap_id, v_cap_name, v_cap_fast, v_cap_enhanced, v_cap_premium,
         v_level_id, v_level_unique_name, v_level_name, v_level_multiplier,
         v_pac_id, v_pac_enabled, v_rpm_limit, v_rpd_limit,
         v_pacql_id, v_model
    FROM (SELECT) AS one
    LEFT JOIN (public.organization_plans op JOIN public.plans p ON p.id = op.plan_id)
           ON op.organization_id = p_balance.organization_id AND op.status IN ('active', 'past_due')
    LEFT JOIN public.ai_capabilities c ON c.unique_name = p_capability AND c.is_active
    LEFT JOIN public.quality_levels q ON q.unique_name = p_quality_level AND q.is_active
    LEFT JOIN public.plan_ai_capabilities pac ON pac.plan_id = p.id AND pac.ai_capability_id = c.id
    LEFT JOIN public.plan_ai_capability_quality_levels x
           ON x.plan_ai_capability_id = pac.id AND x.quality_level_id = q.id
    -- The default model when it is available: the first of the models list below (the list puts it first).
    LEFT JOIN public.plan_quality_level_models dpm
           ON dpm.plan_ai_capability_quality_level_id = x.id AND dpm.is_default
    LEFT JOIN public.llm_models dm
           ON dm.id = dpm.llm_model_id AND dm.is_active AND (dm.deprecated_at IS NULL OR dm.deprecated_at > p_now);

    IF v_cap_id IS NOT NULL AND v_level_id IS NOT NULL THEN
        v_estimate := CASE v_level_unique_name
            WHEN 'fast' THEN v_cap_fast
            WHEN 'enhanced' THEN v_cap_enhanced
            WHEN 'premium' THEN v_cap_premium
            -- A level added later without its own column: scale the fast estimate by its multiplier.
            ELSE round(v_cap_fast * v_level_multiplier, 2)
        END;
    END IF;
    v_needed := coalesce(p_amount, v_estimate);

    IF v_pac_id IS NOT NULL AND p_detail THEN
        SELECT coalesce(jsonb_agg(q.unique_name ORDER BY q.display_order), '[]') INTO v_levels
        FROM public.plan_ai_capability_quality_levels x JOIN public.quality_levels q ON q.id = x.quality_level_id
        WHERE x.plan_ai_capability_id = v_pac_id AND q.is_active;
    END IF;

    IF v_pacql_id IS NOT NULL AND p_detail THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', m.id, 'unique_name', m.unique_name, 'model_id', m.model_id, 'name', m.display_name,
                   'provider', m.provider, 'is_default', pm.is_default, 'priority', pm.priority)
                   ORDER BY pm.is_default DESC, pm.priority, m.display_order, m.id), '[]')
        INTO v_models
        FROM public.plan_quality_level_models pm JOIN public.llm_models m ON m.id = pm.llm_model_id
        WHERE pm.plan_ai_capability_quality_level_id = v_pacql_id
          AND m.is_active AND (m.deprecated_at IS NULL OR m.deprecated_at > p_now);
        v_model := coalesce(v_model, v_models -> 0);
    ELSIF v_pacql_id IS NOT NULL AND v_model IS NULL THEN
        -- The default model is unavailable: reserve takes the first fallback, in the models list's order.
        SELECT jsonb_build_object('id', m.id, 'unique_name', m.unique_name, 'model_id', m.model_id,
                                  'name', m.display_name, 'provider', m.provider)
        INTO v_model
        FROM public.plan_quality_level_models pm JOIN public.llm_models m ON m.id = pm.llm_model_id
        WHERE pm.plan_ai_capability_quality_level_id = v_pacql_id
          AND m.is_active AND (m.deprecated_at IS NULL OR m.deprecated_at > p_now)
        ORDER BY pm.is_default DESC, pm.priority, m.display_order, m.id
        LIMIT 1;
    END IF;

    IF v_cap_id IS NULL THEN
        v_reason := 'CAPABILITY_UNKNOWN';
        v_message := format('unknown AI capability %L', p_capability);
    ELSIF v_level_id IS NULL THEN
        v_reason := 'QUALITY_LEVEL_UNKNOWN';
        v_message := format('unknown quality level %L', p_quality_level);
    ELSIF v_plan_id IS NULL THEN
        v_reason := 'NO_ACTIVE_PLAN';
        v_message := 'the organization has no active plan';
    ELSIF v_pac_id IS NULL THEN
        v_reason := 'CAPABILITY_NOT_IN_PLAN';
        v_message := format('the %s plan does not include %s', v_plan_name, v_cap_name);
    ELSIF NOT v_pac_enabled THEN
        v_reason := 'CAPABILITY_DISABLED';
        v_message := format('%s is disabled on the %s plan', v_cap_name, v_plan_name);
    ELSIF v_pacql_id IS NULL THEN
        v_reason := 'QUALITY_LEVEL_NOT_ALLOWED';
        v_message := format('the %s plan does not allow %s quality for %s', v_plan_name, v_level_name, v_cap_name);
    ELSIF v_model IS NULL THEN
        v_reason := 'NO_MODEL_AVAILABLE';
        v_message := format('no active model serves %s at %s quality', v_cap_name, v_level_name);
    END IF;

    -- Counted only where a limit exists (the read answer shows them whenever the plan has the capability;
    -- reserve needs them only when nothing earlier denied); idx_credit_reservations_rate_limit makes each an
    -- index range scan. No upper bound on purpose: a transaction that started (took its now()) before a
    -- concurrent reserver committed must still count that reservation once the balance lock lets it through.
    IF v_pac_id IS NOT NULL AND (p_detail OR v_reason IS NULL) THEN
        IF v_rpm_limit IS NOT NULL THEN
            SELECT count(*) INTO v_rpm_used FROM public.credit_reservations
            WHERE organization_id = p_balance.organization_id AND ai_capability_id = v_cap_id
              AND created_at > p_now - interval '1 minute';
        END IF;
        IF v_rpd_limit IS NOT NULL THEN
            SELECT count(*) INTO v_rpd_used FROM public.credit_reservations
            WHERE organization_id = p_balance.organization_id AND ai_capability_id = v_cap_id
              AND created_at > p_now - interval '1 day';
        END IF;
    END IF;

    IF v_reason IS NOT NULL THEN
        NULL;
    ELSIF v_rpm_used >= v_rpm_limit THEN
        v_reason := 'RATE_LIMIT_MINUTE';
        v_message := format('rate limit of %s requests per minute reached for %s', v_rpm_limit, v_cap_name);
    ELSIF v_rpd_used >= v_rpd_limit THEN
        v_reason := 'RATE_LIMIT_DAY';
        v_message := format('rate limit of %s requests per day reached for %s', v_rpd_limit, v_cap_name);
    ELSIF v_spendable < v_needed THEN
        v_reason := 'INSUFFICIENT_CREDITS';
        v_message := format('%s credits needed, %s spendable', v_needed, v_spendable);
    END IF;

    IF NOT p_detail THEN
        -- What reserve uses: the decision, the ids it stores and the model (as the reservation shows it).
        RETURN jsonb_build_object(
            'allowed', v_reason IS NULL,
            'reason', v_reason,
            'message', coalesce(v_message, 'allowed'),
            'capability_id', v_cap_id,
            'quality_level_id', v_level_id,
            'requested_credits', v_needed,
            'model', v_model);
    END IF;

    -- Which plans would lift a plan-level denial (never the current plan), cheapest first.
    IF v_reason IN ('NO_ACTIVE_PLAN', 'CAPABILITY_NOT_IN_PLAN', 'CAPABILITY_DISABLED', 'QUALITY_LEVEL_NOT_ALLOWED') THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', p.id, 'unique_name', p.unique_name, 'name', p.name,
                   'monthly_ai_credits', p.monthly_ai_credits) ORDER BY p.display_order, p.id), '[]')
        INTO v_unlock
        FROM public.plans p
        WHERE p.is_active AND p.id IS DISTINCT FROM v_plan_id
          AND EXISTS (SELECT 1
                      FROM public.plan_ai_capabilities pac
                      JOIN public.plan_ai_capability_quality_levels x ON x.plan_ai_capability_id = pac.id
                      WHERE pac.plan_id = p.id AND pac.ai_capability_id = v_cap_id AND pac.is_enabled
                        AND x.quality_level_id = v_level_id);
    END IF;

    RETURN jsonb_build_object(
        'allowed', v_reason IS NULL,
        'reason', v_reason,
        'message', coalesce(v_message, 'allowed'),
        'organization_id', p_balance.organization_id,
        'plan', CASE WHEN v_plan_id IS NULL THEN NULL
                     ELSE jsonb_build_object('id', v_plan_id, 'unique_name', v_plan_unique_name,
                                             'name', v_plan_name) END,
        'capability', p_capability,
        'capability_id', v_cap_id,
        'quality_level', p_quality_level,
        'quality_level_id', v_level_id,
        'estimated_credits', v_estimate,
        'requested_credits', v_needed,
        'balance', public.credits_balance_json(p_balance),
        'models', v_models,
        'rate_limits', jsonb_build_object(
            'rpm_limit', v_rpm_limit, 'rpm_used', v_rpm_used,
            'rpd_limit', v_rpd_limit, 'rpd_used', v_rpd_used),
        'allowed_quality_levels', v_levels,
        'unlock_plans', v_unlock);
END
$$;

COMMENT ON FUNCTION public.credits_evaluate_access(public.organization_credit_balances, text, text, numeric, timestamptz, boolean) IS
  'The access rule shared by ai_access_check and reserve_credits; returns the AIAccessCheck jsonb (p_detail) or reserve''s compact decision.';

CREATE FUNCTION public.ai_access_check(
    p_organization_id text,
    p_capability text,
    p_quality_level text,
    p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_balance public.organization_credit_balances;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_capability, 'capability');
    PERFORM public.credits_check_text(p_quality_level, 'quality level');
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;
    SELECT * INTO v_balance FROM public.organization_credit_balances WHERE organization_id = p_organization_id;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM public.organizations WHERE id = p_organization_id) THEN
            PERFORM public.credits_raise('ORGANIZATION_NOT_FOUND',
                format('organization %s not found', p_organization_id));
        END IF;
        -- Never had a plan: answer with an empty balance so the denial still lists the plans to pick.
        v_balance.organization_id := p_organization_id;
        v_balance.monthly_credits := 0;
        v_balance.bonus_credits := 0;
        v_balance.reserved_credits := 0;
        v_balance.used_this_period := 0;
        v_balance.overdraft_limit := 0;
    END IF;
    RETURN public.credits_evaluate_access(v_balance, p_capability, p_quality_level, NULL, p_now);
END
$$;

COMMENT ON FUNCTION public.ai_access_check(text, text, text, timestamptz) IS
  'May the organization use this capability at this quality level now? A denial is allowed=false with a reason code.';
