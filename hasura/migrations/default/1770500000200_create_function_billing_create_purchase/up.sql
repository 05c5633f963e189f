-- Billing's expected failures: the same SQLSTATE CR001 + DETAIL code word as every credit function (the
-- service maps them 1:1); billing's codes are listed in docs/billing.md, credit-core's in docs/credit-core.md.
CREATE FUNCTION public.billing_raise(p_code text, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM public.credits_raise(p_code, p_message);
END
$$;

COMMENT ON FUNCTION public.billing_raise(text, text) IS
  'Raises a billing error (SQLSTATE CR001, DETAIL = code); codes listed in docs/billing.md.';

-- Checkout step 1 (before Stripe is called): a pending purchase priced from the package as it is now.
-- The organization must have a balance (an active plan), or the credits could never be granted.
CREATE FUNCTION public.billing_create_purchase(
    p_organization_id text, p_package_id text, p_user_id text DEFAULT NULL, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_package public.credit_topup_packages;
    v_org public.organizations;
    v_purchase public.credit_purchases;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    PERFORM public.credits_check_text(p_package_id, 'package id');
    SELECT * INTO v_org FROM public.organizations WHERE id = p_organization_id;
    IF NOT FOUND THEN
        PERFORM public.credits_raise('ORGANIZATION_NOT_FOUND', format('organization %s not found', p_organization_id));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.organization_credit_balances WHERE organization_id = p_organization_id) THEN
        PERFORM public.credits_raise_missing_balance(p_organization_id);
    END IF;
    SELECT * INTO v_package FROM public.credit_topup_packages WHERE id = p_package_id;
    IF NOT FOUND THEN
        PERFORM public.billing_raise('PACKAGE_NOT_FOUND', format('top-up package %s not found', p_package_id));
    END IF;
    IF NOT v_package.is_active THEN
        PERFORM public.billing_raise('PACKAGE_INACTIVE', format('top-up package %s is no longer sold', p_package_id));
    END IF;

    INSERT INTO public.credit_purchases
        (organization_id, package_id, source, credits, amount_cents, currency, status, created_by_user_id, created_at)
    VALUES (p_organization_id, v_package.id, 'checkout', v_package.credits, v_package.price_usd_cents, 'usd',
            'pending', (SELECT id FROM public.users WHERE id = p_user_id), p_now)
    RETURNING * INTO v_purchase;

    RETURN jsonb_build_object(
        'purchase_id', v_purchase.id,
        'organization_id', v_purchase.organization_id,
        'organization_name', v_org.name,
        'stripe_customer_id', v_org.stripe_customer_id,
        'package_id', v_package.id,
        'package_name', v_package.name,
        'credits', v_purchase.credits,
        'amount_cents', v_purchase.amount_cents,
        'currency', v_purchase.currency);
END
$$;

COMMENT ON FUNCTION public.billing_create_purchase(text, text, text, timestamptz) IS
  'Creates a pending checkout purchase of an active package; PACKAGE_NOT_FOUND, PACKAGE_INACTIVE, NO_ACTIVE_PLAN.';

-- The organization's Stripe customer is created once: the first stored id wins, a concurrent second
-- creation (same Stripe idempotency key, so normally the same id) is answered with the stored one.
CREATE FUNCTION public.billing_set_stripe_customer(p_organization_id text, p_customer_id text)
RETURNS text
LANGUAGE sql
AS $$
    WITH updated AS (
        UPDATE public.organizations SET stripe_customer_id = p_customer_id
        WHERE id = p_organization_id AND stripe_customer_id IS NULL
        RETURNING stripe_customer_id)
    SELECT coalesce((SELECT stripe_customer_id FROM updated),
                    (SELECT stripe_customer_id FROM public.organizations WHERE id = p_organization_id));
$$;

COMMENT ON FUNCTION public.billing_set_stripe_customer(text, text) IS
  'Stores the organization''s Stripe customer id unless one is stored; returns the stored id.';

-- Checkout step 2: the Checkout Session Stripe created for the purchase, or why it could not be created.
CREATE FUNCTION public.billing_attach_checkout_session(
    p_purchase_id text, p_session_id text, p_failure text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_failure IS NOT NULL THEN
        UPDATE public.credit_purchases SET status = 'failed', failure_reason = left(p_failure, 1000)
        WHERE id = p_purchase_id AND status = 'pending';
    ELSE
        UPDATE public.credit_purchases SET stripe_checkout_session_id = p_session_id
        WHERE id = p_purchase_id AND stripe_checkout_session_id IS NULL;
    END IF;
END
$$;

COMMENT ON FUNCTION public.billing_attach_checkout_session(text, text, text) IS
  'Records the Checkout Session of a pending purchase, or marks it failed when Stripe refused to create one.';
