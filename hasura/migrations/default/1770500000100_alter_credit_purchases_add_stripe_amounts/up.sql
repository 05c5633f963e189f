-- What Stripe has taken back on a purchase, in the purchase currency's smallest unit. Clawback credits are
-- computed from these cumulative amounts (never from one event's delta), so a replayed or out-of-order
-- refund/dispute event can only move the clawback forward to the same target, never apply twice.
ALTER TABLE public.credit_purchases
    ADD COLUMN stripe_charge_id TEXT,
    ADD COLUMN refunded_amount_cents INT NOT NULL DEFAULT 0,
    ADD COLUMN disputed_amount_cents INT NOT NULL DEFAULT 0,
    ADD CONSTRAINT chk_credit_purchases_refunded_amount
        CHECK (refunded_amount_cents >= 0 AND refunded_amount_cents <= amount_cents),
    ADD CONSTRAINT chk_credit_purchases_disputed_amount
        CHECK (disputed_amount_cents >= 0 AND disputed_amount_cents <= amount_cents);

-- Auto top-up buys at most one package at a time per organization: a second crossing while one payment is
-- in flight must not charge the card twice.
CREATE UNIQUE INDEX uq_credit_purchases_one_pending_auto_topup
    ON public.credit_purchases (organization_id)
    WHERE source = 'auto_topup' AND status IN ('pending', 'paid');

COMMENT ON COLUMN public.credit_purchases.stripe_charge_id IS 'The Stripe charge that paid the purchase (from refund/dispute events).';
COMMENT ON COLUMN public.credit_purchases.refunded_amount_cents IS 'Cumulative amount Stripe refunded (charge.amount_refunded).';
COMMENT ON COLUMN public.credit_purchases.disputed_amount_cents IS 'Amount under dispute (charge.dispute.created), clawed back like a refund.';
