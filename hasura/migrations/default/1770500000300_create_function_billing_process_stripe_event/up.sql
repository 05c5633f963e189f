-- Stripe payment state → credits, exactly once (design.md invariant 7).
-- The webhook endpoint only stores verified events; the stripe_events event trigger calls
-- billing_process_stripe_event(event id) once per delivery. Exactly-once does not rely on delivery: every
-- path that grants or takes credits locks the organization's balance row, then the purchase row
-- (credit-core lock order: balance first), decides from the purchase's stored state, and calls
-- grant_credits with a key naming the purchase (and, for clawbacks, the cumulative amount taken back).

-- Pays and fulfils a purchase: one topup_purchase ledger row, whatever order or how often it is called.
-- A purchase that was marked expired/failed but is paid after all is fulfilled: the money was taken.
CREATE FUNCTION public.billing_fulfil_purchase(
    p_purchase_id text, p_checkout_session_id text, p_payment_intent_id text, p_amount_cents integer,
    p_currency text, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_org text;
    v_purchase public.credit_purchases;
    v_grant jsonb;
BEGIN
    SELECT organization_id INTO v_org FROM public.credit_purchases WHERE id = p_purchase_id;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'unknown_purchase', 'purchase_id', p_purchase_id);
    END IF;
    PERFORM public.credits_lock_balance(v_org);
    SELECT * INTO v_purchase FROM public.credit_purchases WHERE id = p_purchase_id FOR UPDATE;

    IF p_checkout_session_id IS NOT NULL AND v_purchase.stripe_checkout_session_id IS DISTINCT FROM p_checkout_session_id
       AND v_purchase.stripe_checkout_session_id IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'session_mismatch', 'purchase_id', p_purchase_id);
    END IF;
    IF v_purchase.status IN ('fulfilled', 'refunded') THEN
        RETURN jsonb_build_object('outcome', 'already_fulfilled', 'purchase_id', p_purchase_id,
                                  'transaction_id', v_purchase.transaction_id);
    END IF;
    -- Never grant for a payment that does not match what the purchase was priced at.
    IF p_amount_cents IS DISTINCT FROM v_purchase.amount_cents OR lower(p_currency) IS DISTINCT FROM v_purchase.currency THEN
        UPDATE public.credit_purchases
        SET failure_reason = format('paid %s %s, expected %s %s', p_amount_cents, p_currency,
                                    v_purchase.amount_cents, v_purchase.currency)
        WHERE id = p_purchase_id;
        RETURN jsonb_build_object('outcome', 'amount_mismatch', 'purchase_id', p_purchase_id);
    END IF;

    v_grant := public.grant_credits(
        v_org, v_purchase.credits::numeric, 'topup_purchase', 'topup:' || v_purchase.id,
        format('Top-up %s (%s credits)', v_purchase.package_id, v_purchase.credits),
        jsonb_strip_nulls(jsonb_build_object('purchase_id', v_purchase.id, 'source', v_purchase.source,
            'stripe_checkout_session_id', p_checkout_session_id, 'stripe_payment_intent_id', p_payment_intent_id)),
        p_now);

    UPDATE public.credit_purchases
    SET status = 'fulfilled',
        stripe_checkout_session_id = coalesce(stripe_checkout_session_id, p_checkout_session_id),
        stripe_payment_intent_id = coalesce(stripe_payment_intent_id, p_payment_intent_id),
        transaction_id = v_grant->>'transaction_id',
        paid_at = coalesce(paid_at, p_now),
        fulfilled_at = p_now,
        failure_reason = NULL
    WHERE id = p_purchase_id;

    IF v_purchase.source = 'auto_topup' THEN
        UPDATE public.organization_credit_settings SET auto_topup_consecutive_failures = 0
        WHERE organization_id = v_org AND auto_topup_consecutive_failures <> 0;
    END IF;

    RETURN jsonb_build_object('outcome', 'fulfilled', 'purchase_id', p_purchase_id,
                              'transaction_id', v_grant->>'transaction_id');
END
$$;

-- An unpaid ending (session expired, async payment failed): only a pending purchase changes, so a late
-- "expired" can never downgrade a fulfilled purchase.
CREATE FUNCTION public.billing_close_purchase(
    p_purchase_id text, p_checkout_session_id text, p_status text, p_reason text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_purchase public.credit_purchases;
BEGIN
    SELECT * INTO v_purchase FROM public.credit_purchases WHERE id = p_purchase_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'unknown_purchase', 'purchase_id', p_purchase_id);
    END IF;
    IF v_purchase.status <> 'pending' THEN
        RETURN jsonb_build_object('outcome', 'unchanged_' || v_purchase.status, 'purchase_id', p_purchase_id);
    END IF;
    UPDATE public.credit_purchases
    SET status = p_status, failure_reason = p_reason,
        stripe_checkout_session_id = coalesce(stripe_checkout_session_id, p_checkout_session_id)
    WHERE id = p_purchase_id;
    RETURN jsonb_build_object('outcome', p_status, 'purchase_id', p_purchase_id);
END
$$;

-- Refunds and disputes take back the refunded share of the credits: target = credits × (refunded +
-- disputed, capped at the amount paid) / amount paid, rounded to cents; only the part above what was
-- already taken back is written, with a key naming the cumulative amount, so replays and out-of-order
-- events (a 50% refund event after the 100% one) never take twice. What bonus credits cannot cover becomes
-- debt (grant_credits' topup_refund rule), which blocks reservations until credits return.
-- retry = true: the purchase is ours but not fulfilled yet (events arrive in any order); Hasura redelivers.
CREATE FUNCTION public.billing_claw_back(
    p_payment_intent_id text, p_charge_id text, p_purchase_hint text, p_refunded_cents integer,
    p_disputed_cents integer, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_id text;
    v_org text;
    v_purchase public.credit_purchases;
    v_target_cents integer;
    v_target numeric;
    v_grant jsonb;
BEGIN
    SELECT id, organization_id INTO v_id, v_org FROM public.credit_purchases
    WHERE stripe_payment_intent_id = p_payment_intent_id OR stripe_charge_id = p_charge_id
    LIMIT 1;
    IF v_id IS NULL AND p_purchase_hint IS NOT NULL THEN
        SELECT id, organization_id INTO v_id, v_org FROM public.credit_purchases WHERE id = p_purchase_hint;
    END IF;
    IF v_id IS NULL THEN
        RETURN jsonb_build_object('outcome', 'unknown_payment');
    END IF;
    PERFORM public.credits_lock_balance(v_org);
    SELECT * INTO v_purchase FROM public.credit_purchases WHERE id = v_id FOR UPDATE;
    IF v_purchase.status NOT IN ('fulfilled', 'refunded') THEN
        RETURN jsonb_build_object('outcome', 'purchase_not_fulfilled_yet', 'purchase_id', v_id, 'retry', true);
    END IF;

    UPDATE public.credit_purchases
    SET refunded_amount_cents = greatest(refunded_amount_cents, least(coalesce(p_refunded_cents, 0), amount_cents)),
        disputed_amount_cents = greatest(disputed_amount_cents, least(coalesce(p_disputed_cents, 0), amount_cents)),
        stripe_charge_id = coalesce(stripe_charge_id, p_charge_id)
    WHERE id = v_id
    RETURNING * INTO v_purchase;

    v_target_cents := least(v_purchase.amount_cents, v_purchase.refunded_amount_cents + v_purchase.disputed_amount_cents);
    v_target := round(v_purchase.credits::numeric * v_target_cents / v_purchase.amount_cents, 2);
    IF v_target <= v_purchase.refunded_credits THEN
        RETURN jsonb_build_object('outcome', 'nothing_to_claw_back', 'purchase_id', v_id);
    END IF;

    -- Money going back to the customer must not make auto top-up charge the same card again at once
    -- (read by billing_auto_topup_on_balance_change; transaction-local).
    PERFORM set_config('billing.no_auto_topup', 'on', true);
    v_grant := public.grant_credits(
        v_org, -(v_target - v_purchase.refunded_credits), 'topup_refund',
        format('topup_refund:%s:%s', v_id, v_target_cents),
        format('Refund of top-up %s (%s of %s cents)', v_id, v_target_cents, v_purchase.amount_cents),
        jsonb_strip_nulls(jsonb_build_object('purchase_id', v_id, 'stripe_charge_id', p_charge_id,
            'refunded_cents', v_purchase.refunded_amount_cents, 'disputed_cents', v_purchase.disputed_amount_cents)),
        p_now);

    UPDATE public.credit_purchases
    SET refunded_credits = v_target,
        refunded_at = p_now,
        status = CASE WHEN v_target >= credits THEN 'refunded' ELSE status END
    WHERE id = v_id;
    RETURN jsonb_build_object('outcome', 'clawed_back', 'purchase_id', v_id,
                              'transaction_id', v_grant->>'transaction_id', 'credits', v_target - v_purchase.refunded_credits);
END
$$;

-- A failed auto top-up (declined, authentication required, Stripe refused): the purchase fails, the failure
-- streak grows, the third failure in a row turns auto top-up off, and owners get an auto_topup_failed notice.
-- Only a pending/paid purchase counts, so a replayed failure is not counted twice.
CREATE FUNCTION public.billing_record_auto_topup_failure(
    p_purchase_id text, p_reason text, p_payment_intent_id text DEFAULT NULL, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_org text;
    v_purchase public.credit_purchases;
    v_balance public.organization_credit_balances;
    v_settings public.organization_credit_settings;
BEGIN
    SELECT organization_id INTO v_org FROM public.credit_purchases WHERE id = p_purchase_id;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'unknown_purchase', 'purchase_id', p_purchase_id);
    END IF;
    v_balance := public.credits_lock_balance(v_org);
    SELECT * INTO v_purchase FROM public.credit_purchases WHERE id = p_purchase_id FOR UPDATE;
    IF v_purchase.status NOT IN ('pending', 'paid') THEN
        RETURN jsonb_build_object('outcome', 'unchanged_' || v_purchase.status, 'purchase_id', p_purchase_id);
    END IF;
    UPDATE public.credit_purchases
    SET status = 'failed', failure_reason = left(coalesce(p_reason, 'payment failed'), 1000),
        stripe_payment_intent_id = coalesce(stripe_payment_intent_id, p_payment_intent_id)
    WHERE id = p_purchase_id;

    UPDATE public.organization_credit_settings
    SET auto_topup_consecutive_failures = auto_topup_consecutive_failures + 1,
        auto_topup_enabled = auto_topup_enabled AND auto_topup_consecutive_failures + 1 < 3
    WHERE organization_id = v_org
    RETURNING * INTO v_settings;

    INSERT INTO public.credit_notifications
        (organization_id, kind, period_start, episode, available_at_crossing, threshold, created_at)
    SELECT v_org, 'auto_topup_failed', v_balance.period_start, 1 + count(*),
           v_balance.monthly_credits + v_balance.bonus_credits - v_balance.used_this_period,
           v_settings.auto_topup_threshold, p_now
    FROM public.credit_notifications
    WHERE organization_id = v_org AND kind = 'auto_topup_failed' AND period_start = v_balance.period_start;

    RETURN jsonb_build_object('outcome', 'auto_topup_failed', 'purchase_id', p_purchase_id,
                              'consecutive_failures', v_settings.auto_topup_consecutive_failures,
                              'auto_topup_enabled', v_settings.auto_topup_enabled);
END
$$;

-- A checkout paid with setup_future_usage leaves a reusable card on the customer: remember it for auto
-- top-up (the latest one wins).
CREATE FUNCTION public.billing_save_payment_method(p_organization_id text, p_payment_method_id text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.organizations WHERE id = p_organization_id) THEN
        RETURN jsonb_build_object('outcome', 'unknown_organization');
    END IF;
    INSERT INTO public.organization_credit_settings (organization_id, stripe_payment_method_id)
    VALUES (p_organization_id, p_payment_method_id)
    ON CONFLICT (organization_id) DO UPDATE SET stripe_payment_method_id = excluded.stripe_payment_method_id;
    RETURN jsonb_build_object('outcome', 'payment_method_saved');
END
$$;

-- The one entry point of the stripe_events trigger handler. Locks the event row (two deliveries of one
-- event queue here; the second sees it processed), dispatches on the type, and marks the event with its
-- outcome in the same transaction as the effect. Unknown types are recorded as 'ignored'.
CREATE FUNCTION public.billing_process_stripe_event(p_event_id text, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_event public.stripe_events;
    v_obj jsonb;
    v_purchase_id text;
    v_result jsonb;
BEGIN
    SELECT * INTO v_event FROM public.stripe_events WHERE id = p_event_id FOR UPDATE;
    IF NOT FOUND THEN
        -- Nothing to apply (a manual invoke of a deleted row): acknowledged, never retried.
        RETURN jsonb_build_object('event_id', p_event_id, 'outcome', 'unknown_event', 'replayed', false, 'retry', false);
    END IF;
    IF v_event.processed_at IS NOT NULL THEN
        RETURN jsonb_build_object('event_id', v_event.id, 'type', v_event.type, 'outcome', v_event.outcome,
                                  'replayed', true, 'retry', false);
    END IF;

    v_obj := coalesce(v_event.payload->'data'->'object', '{}'::jsonb);
    v_purchase_id := coalesce(v_obj->'metadata'->>'purchase_id', v_obj->>'client_reference_id');

    IF v_event.type IN ('checkout.session.completed', 'checkout.session.async_payment_succeeded') THEN
        IF v_obj->>'payment_status' IS DISTINCT FROM 'paid' THEN
            -- Completed with a delayed payment method: async_payment_succeeded/failed will follow.
            v_result := jsonb_build_object('outcome', 'awaiting_payment', 'purchase_id', v_purchase_id);
        ELSE
            v_result := public.billing_fulfil_purchase(v_purchase_id, v_obj->>'id', v_obj->>'payment_intent',
                                                       (v_obj->>'amount_total')::integer, v_obj->>'currency', p_now);
        END IF;
    ELSIF v_event.type = 'checkout.session.expired' THEN
        v_result := public.billing_close_purchase(v_purchase_id, v_obj->>'id', 'expired', 'checkout session expired');
    ELSIF v_event.type = 'checkout.session.async_payment_failed' THEN
        v_result := public.billing_close_purchase(v_purchase_id, v_obj->>'id', 'failed', 'asynchronous payment failed');
    ELSIF v_event.type = 'charge.refunded' THEN
        v_result := public.billing_claw_back(v_obj->>'payment_intent', v_obj->>'id', v_purchase_id,
                                             (v_obj->>'amount_refunded')::integer, NULL, p_now);
    ELSIF v_event.type = 'charge.dispute.created' THEN
        v_result := public.billing_claw_back(v_obj->>'payment_intent', v_obj->>'charge', v_purchase_id,
                                             NULL, (v_obj->>'amount')::integer, p_now);
    ELSIF v_event.type = 'payment_intent.succeeded' AND v_obj->'metadata'->>'source' = 'auto_topup' THEN
        v_result := public.billing_fulfil_purchase(v_purchase_id, NULL, v_obj->>'id',
                                                   (v_obj->>'amount_received')::integer, v_obj->>'currency', p_now);
    ELSIF v_event.type = 'payment_intent.succeeded' AND v_obj->>'setup_future_usage' = 'off_session'
          AND v_obj->>'payment_method' IS NOT NULL AND v_obj->'metadata'->>'organization_id' IS NOT NULL THEN
        v_result := public.billing_save_payment_method(v_obj->'metadata'->>'organization_id', v_obj->>'payment_method');
    ELSIF v_event.type = 'payment_intent.payment_failed' AND v_obj->'metadata'->>'source' = 'auto_topup' THEN
        v_result := public.billing_record_auto_topup_failure(
            v_purchase_id, coalesce(v_obj->'last_payment_error'->>'code', 'payment_failed'), v_obj->>'id', p_now);
    ELSE
        v_result := jsonb_build_object('outcome', 'ignored');
    END IF;

    IF coalesce((v_result->>'retry')::boolean, false) THEN
        UPDATE public.stripe_events SET error = v_result->>'outcome' WHERE id = p_event_id;
    ELSE
        UPDATE public.stripe_events SET processed_at = p_now, outcome = v_result->>'outcome', error = NULL
        WHERE id = p_event_id;
    END IF;
    RETURN v_result || jsonb_build_object('event_id', v_event.id, 'type', v_event.type, 'replayed', false,
                                          'retry', coalesce((v_result->>'retry')::boolean, false));
END
$$;

COMMENT ON FUNCTION public.billing_fulfil_purchase(text, text, text, integer, text, timestamptz) IS
  'Marks a purchase paid and fulfilled and grants its credits with one topup_purchase row, exactly once.';
COMMENT ON FUNCTION public.billing_close_purchase(text, text, text, text) IS
  'Moves a pending purchase to expired or failed; never touches a paid/fulfilled one.';
COMMENT ON FUNCTION public.billing_claw_back(text, text, text, integer, integer, timestamptz) IS
  'Takes back the refunded/disputed share of a purchase''s credits with topup_refund rows, idempotently.';
COMMENT ON FUNCTION public.billing_record_auto_topup_failure(text, text, text, timestamptz) IS
  'Fails an auto top-up purchase, counts the failure streak (off at 3) and writes an auto_topup_failed notice.';
COMMENT ON FUNCTION public.billing_save_payment_method(text, text) IS
  'Stores the payment method a checkout saved for off-session use.';
COMMENT ON FUNCTION public.billing_process_stripe_event(text, timestamptz) IS
  'Applies one stored Stripe event exactly once and marks it with its outcome.';
