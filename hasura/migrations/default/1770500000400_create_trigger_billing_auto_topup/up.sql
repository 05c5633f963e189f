-- Auto top-up (owner-enabled per organization): when the settled balance (monthly + bonus - used, the
-- measure low-balance notices use, so a reservation and its release never trigger a purchase) crosses the
-- organization's threshold downwards, one pending auto_topup purchase is written in the same transaction as
-- the balance change. Its insert fires the `auto_topup_charge` event trigger, which charges the saved card.
-- Once per crossing: the trigger fires on the transition only, and at most one auto top-up is in flight per
-- organization (uq_credit_purchases_one_pending_auto_topup). Never past the cap: the packages bought this
-- billing period (pending, paid, fulfilled or refunded) plus this one must fit in auto_topup_monthly_cap.
-- A refund or dispute clawback never triggers a purchase (billing_claw_back sets billing.no_auto_topup).
-- Without a saved card (stripe_payment_method_id, saved by a paid checkout) nothing is bought; owners can only
-- switch auto top-up on once a card is saved (GraphQL update permission check, see docs/billing.md).

-- Turning auto top-up back on (after three failures switched it off) starts a new failure streak.
CREATE FUNCTION public.billing_auto_topup_rearm()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.auto_topup_enabled AND NOT OLD.auto_topup_enabled THEN
        NEW.auto_topup_consecutive_failures := 0;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER billing_auto_topup_rearm
    BEFORE UPDATE OF auto_topup_enabled ON public.organization_credit_settings
    FOR EACH ROW EXECUTE FUNCTION public.billing_auto_topup_rearm();

CREATE FUNCTION public.billing_auto_topup_on_balance_change()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_before numeric := OLD.monthly_credits + OLD.bonus_credits - OLD.used_this_period;
    v_after numeric := NEW.monthly_credits + NEW.bonus_credits - NEW.used_this_period;
    v_settings public.organization_credit_settings;
    v_package public.credit_topup_packages;
    v_spent bigint;
BEGIN
    IF v_after >= v_before OR current_setting('billing.no_auto_topup', true) = 'on' THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_settings FROM public.organization_credit_settings
    WHERE organization_id = NEW.organization_id AND auto_topup_enabled AND stripe_payment_method_id IS NOT NULL;
    IF NOT FOUND OR NOT (v_before > v_settings.auto_topup_threshold AND v_after <= v_settings.auto_topup_threshold) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_package FROM public.credit_topup_packages
    WHERE id = v_settings.auto_topup_package_id AND is_active;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(amount_cents), 0) INTO v_spent FROM public.credit_purchases
    WHERE organization_id = NEW.organization_id AND source = 'auto_topup'
      AND status IN ('pending', 'paid', 'fulfilled', 'refunded') AND created_at >= NEW.period_start;
    IF v_spent + v_package.price_usd_cents > v_settings.auto_topup_monthly_cap THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.credit_purchases
        (organization_id, package_id, source, credits, amount_cents, currency, status)
    VALUES (NEW.organization_id, v_package.id, 'auto_topup', v_package.credits, v_package.price_usd_cents, 'usd',
            'pending')
    ON CONFLICT (organization_id) WHERE source = 'auto_topup' AND status IN ('pending', 'paid') DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER billing_auto_topup_on_balance_change
    AFTER UPDATE OF monthly_credits, bonus_credits, used_this_period ON public.organization_credit_balances
    FOR EACH ROW EXECUTE FUNCTION public.billing_auto_topup_on_balance_change();

COMMENT ON FUNCTION public.billing_auto_topup_on_balance_change() IS
  'Writes one pending auto_topup purchase when the settled balance crosses the auto top-up threshold (cap permitting).';
COMMENT ON FUNCTION public.billing_auto_topup_rearm() IS
  'Resets the auto top-up failure streak when auto top-up is switched back on.';
