DROP FUNCTION public.billing_claw_back(text, text, text, integer, integer, timestamptz);

-- What Stripe says it took back or returned on a purchase's charge moves the purchase's credits to match:
-- target = credits x (refunded + disputed not won back, capped at the amount paid) / amount paid, rounded to
-- cents. Above what was already taken back, the difference is taken (topup_refund, bonus first, the rest
-- debt); below it, after a won dispute, the difference is given back (topup_purchase, to bonus). Every amount
-- is cumulative and only grows, so replays and out-of-order events converge on one target and never move
-- credits twice. Ledger keys name the target; after a won dispute they carry a suffix, because the target
-- may then climb again through values it had before (Stripe allows one dispute per charge, so the won amount
-- is set once and the keys of each phase are unique).
-- retry = true: the purchase is ours but not fulfilled yet (events arrive in any order); Hasura redelivers.
CREATE FUNCTION public.billing_apply_charge_amounts(
    p_payment_intent_id text, p_charge_id text, p_purchase_hint text, p_refunded_cents integer,
    p_disputed_cents integer, p_dispute_won_cents integer, p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_id text;
    v_org text;
    v_purchase public.credit_purchases;
    v_target_cents integer;
    v_target numeric;
    v_suffix text;
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
        dispute_won_amount_cents = greatest(dispute_won_amount_cents,
                                            least(coalesce(p_dispute_won_cents, 0), amount_cents)),
        stripe_charge_id = coalesce(stripe_charge_id, p_charge_id)
    WHERE id = v_id
    RETURNING * INTO v_purchase;

    v_target_cents := least(v_purchase.amount_cents, v_purchase.refunded_amount_cents
                            + greatest(0, v_purchase.disputed_amount_cents - v_purchase.dispute_won_amount_cents));
    v_target := round(v_purchase.credits::numeric * v_target_cents / v_purchase.amount_cents, 2);
    v_suffix := CASE WHEN v_purchase.dispute_won_amount_cents > 0 THEN ':after_dispute_won' ELSE '' END;

    IF v_target > v_purchase.refunded_credits THEN
        -- Money going back to the customer must not make auto top-up charge the same card again at once
        -- (read by billing_auto_topup_on_balance_change; transaction-local).
        PERFORM set_config('billing.no_auto_topup', 'on', true);
        v_grant := public.grant_credits(
            v_org, -(v_target - v_purchase.refunded_credits), 'topup_refund',
            format('topup_refund:%s:%s%s', v_id, v_target_cents, v_suffix),
            format('Refund of top-up %s (%s of %s cents)', v_id, v_target_cents, v_purchase.amount_cents),
            jsonb_strip_nulls(jsonb_build_object('purchase_id', v_id, 'stripe_charge_id', p_charge_id,
                'refunded_cents', v_purchase.refunded_amount_cents,
                'disputed_cents', v_purchase.disputed_amount_cents,
                'dispute_won_cents', nullif(v_purchase.dispute_won_amount_cents, 0))),
            p_now);
    ELSIF v_target < v_purchase.refunded_credits THEN
        v_grant := public.grant_credits(
            v_org, v_purchase.refunded_credits - v_target, 'topup_purchase',
            format('topup_reinstate:%s:%s', v_id, v_purchase.dispute_won_amount_cents),
            format('Dispute won: credits of top-up %s returned (%s cents)', v_id,
                   v_purchase.dispute_won_amount_cents),
            jsonb_build_object('purchase_id', v_id, 'stripe_charge_id', p_charge_id,
                'dispute_won_cents', v_purchase.dispute_won_amount_cents),
            p_now);
    ELSE
        RETURN jsonb_build_object(
            'outcome', CASE WHEN p_dispute_won_cents IS NULL THEN 'nothing_to_claw_back' ELSE 'nothing_to_reinstate' END,
            'purchase_id', v_id);
    END IF;

    UPDATE public.credit_purchases
    SET refunded_credits = v_target,
        refunded_at = CASE WHEN v_target > v_purchase.refunded_credits THEN p_now ELSE refunded_at END,
        status = CASE WHEN v_target >= credits THEN 'refunded' ELSE 'fulfilled' END
    WHERE id = v_id;
    RETURN jsonb_build_object(
        'outcome', CASE WHEN v_target > v_purchase.refunded_credits THEN 'clawed_back' ELSE 'reinstated' END,
        'purchase_id', v_id, 'transaction_id', v_grant->>'transaction_id',
        'credits', abs(v_target - v_purchase.refunded_credits));
END
$$;

-- The one entry point of the stripe_events trigger handler. Locks the event row (two deliveries of one
-- event queue here; the second sees it processed), dispatches on the type, and marks the event with its
-- outcome in the same transaction as the effect. Unknown types are recorded as 'ignored'.
CREATE OR REPLACE FUNCTION public.billing_process_stripe_event(p_event_id text, p_now timestamptz DEFAULT now())
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
        v_result := public.billing_apply_charge_amounts(v_obj->>'payment_intent', v_obj->>'id', v_purchase_id,
                                                        (v_obj->>'amount_refunded')::integer, NULL, NULL, p_now);
    ELSIF v_event.type = 'charge.dispute.created' THEN
        v_result := public.billing_apply_charge_amounts(v_obj->>'payment_intent', v_obj->>'charge', v_purchase_id,
                                                        NULL, (v_obj->>'amount')::integer, NULL, p_now);
    ELSIF v_event.type = 'charge.dispute.closed' AND v_obj->>'status' IN ('won', 'warning_closed') THEN
        -- Won, or an inquiry that closed without becoming a chargeback: the money stays with us. The disputed
        -- amount is recorded too, in case the created event was lost or has not arrived yet.
        v_result := public.billing_apply_charge_amounts(v_obj->>'payment_intent', v_obj->>'charge', v_purchase_id,
                                                        NULL, (v_obj->>'amount')::integer,
                                                        (v_obj->>'amount')::integer, p_now);
    ELSIF v_event.type = 'charge.dispute.closed' AND v_obj->>'status' = 'lost' THEN
        -- Already clawed back when the dispute was created; this only catches a created event that never came.
        v_result := public.billing_apply_charge_amounts(v_obj->>'payment_intent', v_obj->>'charge', v_purchase_id,
                                                        NULL, (v_obj->>'amount')::integer, NULL, p_now);
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

COMMENT ON FUNCTION public.billing_apply_charge_amounts(text, text, text, integer, integer, integer, timestamptz) IS
  'Moves a purchase''s credits to match Stripe''s cumulative refunded, disputed and dispute-won amounts, idempotently.';
