-- Low-balance detection (design.md section 8): called by the functions that move the settled balance
-- (monthly + bonus - used: settle, grant, plan change) with the balance row before and after. Holds are left
-- out on purpose: a reservation and its release would otherwise make the notice flap on every AI call.
-- Fires on crossings only:
--   above 0 -> at or below 0                  depleted (the stronger notice alone when both lines are crossed)
--   above threshold -> at or below threshold  low_balance
--   at or below threshold -> above it         recovered, only if this episode sent low_balance or depleted;
--                                             it closes the episode, so the next crossing down notifies again.
-- Dedupe: UNIQUE (organization, kind, period_start, episode), episode = 1 + recovered notices this period.
CREATE FUNCTION public.credits_notify_crossing(
    p_before public.organization_credit_balances, p_after public.organization_credit_balances)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_before numeric := p_before.monthly_credits + p_before.bonus_credits - p_before.used_this_period;
    v_after numeric := p_after.monthly_credits + p_after.bonus_credits - p_after.used_this_period;
    v_threshold numeric := public.credits_low_balance_threshold(p_after);
    v_episode integer;
    v_kind text;
BEGIN
    IF v_before > 0 AND v_after <= 0 THEN
        v_kind := 'depleted';
    ELSIF v_before > v_threshold AND v_after <= v_threshold THEN
        v_kind := 'low_balance';
    ELSIF v_before <= v_threshold AND v_after > v_threshold THEN
        v_kind := 'recovered';
    ELSE
        RETURN;
    END IF;

    SELECT 1 + count(*) INTO v_episode FROM public.credit_notifications
    WHERE organization_id = p_after.organization_id AND period_start = p_after.period_start AND kind = 'recovered';

    IF v_kind = 'recovered' AND NOT EXISTS (
        SELECT 1 FROM public.credit_notifications
        WHERE organization_id = p_after.organization_id AND period_start = p_after.period_start
          AND episode = v_episode AND kind IN ('low_balance', 'depleted')) THEN
        RETURN;
    END IF;

    INSERT INTO public.credit_notifications
        (organization_id, kind, period_start, episode, available_at_crossing, threshold)
    VALUES (p_after.organization_id, v_kind, p_after.period_start, v_episode, v_after, v_threshold)
    ON CONFLICT (organization_id, kind, period_start, episode) DO NOTHING;
END
$$;

COMMENT ON FUNCTION public.credits_notify_crossing(public.organization_credit_balances, public.organization_credit_balances) IS
  'Inserts one credit_notifications row when the settled balance crosses the low-balance threshold or zero.';
