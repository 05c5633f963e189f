CREATE TABLE public.credit_purchases (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    package_id TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'checkout',
    credits INT NOT NULL,
    amount_cents INT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'usd',
    status TEXT NOT NULL DEFAULT 'pending',
    stripe_checkout_session_id TEXT,
    stripe_payment_intent_id TEXT,
    created_by_user_id TEXT,
    transaction_id TEXT,
    refunded_credits NUMERIC(12,2) NOT NULL DEFAULT 0,
    failure_reason TEXT,
    paid_at TIMESTAMPTZ,
    fulfilled_at TIMESTAMPTZ,
    refunded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),

    CONSTRAINT uq_credit_purchases_checkout_session UNIQUE (stripe_checkout_session_id),
    CONSTRAINT uq_credit_purchases_payment_intent UNIQUE (stripe_payment_intent_id),
    -- One grant per purchase: the topup_purchase ledger row.
    CONSTRAINT uq_credit_purchases_transaction UNIQUE (transaction_id),
    CONSTRAINT chk_credit_purchases_source CHECK (source IN ('checkout', 'auto_topup')),
    CONSTRAINT chk_credit_purchases_status
        CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'failed', 'refunded')),
    CONSTRAINT chk_credit_purchases_credits_positive CHECK (credits > 0),
    CONSTRAINT chk_credit_purchases_amount_positive CHECK (amount_cents > 0),
    CONSTRAINT chk_credit_purchases_currency CHECK (currency ~ '^[a-z]{3}$'),
    CONSTRAINT chk_credit_purchases_refunded_credits CHECK (refunded_credits >= 0 AND refunded_credits <= credits),
    CONSTRAINT chk_credit_purchases_fulfilled_has_transaction
        CHECK (status NOT IN ('fulfilled', 'refunded') OR (transaction_id IS NOT NULL AND fulfilled_at IS NOT NULL))
);

ALTER TABLE public.credit_purchases
    ADD CONSTRAINT fk_credit_purchases_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE public.credit_purchases
    ADD CONSTRAINT fk_credit_purchases_package_id
    FOREIGN KEY (package_id) REFERENCES public.credit_topup_packages(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE public.credit_purchases
    ADD CONSTRAINT fk_credit_purchases_created_by_user_id
    FOREIGN KEY (created_by_user_id) REFERENCES public.users(id)
    ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE public.credit_purchases
    ADD CONSTRAINT fk_credit_purchases_transaction_id
    FOREIGN KEY (transaction_id) REFERENCES public.credit_transactions(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

CREATE INDEX idx_credit_purchases_org_time ON public.credit_purchases (organization_id, created_at DESC);
CREATE INDEX idx_credit_purchases_package_id ON public.credit_purchases (package_id);

SELECT public.add_updated_at_trigger('credit_purchases', 'public');

COMMENT ON TABLE public.credit_purchases IS
  'A top-up bought through Stripe (Checkout, or an off-session auto top-up): pending -> paid -> fulfilled, or expired, failed, refunded.';
COMMENT ON COLUMN public.credit_purchases.source IS 'checkout (a Checkout Session the user completed) | auto_topup (an off-session PaymentIntent).';
COMMENT ON COLUMN public.credit_purchases.credits IS 'Credits granted to bonus_credits on fulfilment (copied from the package at purchase time).';
COMMENT ON COLUMN public.credit_purchases.amount_cents IS 'Amount charged, in the smallest unit of currency (copied from the package at purchase time).';
COMMENT ON COLUMN public.credit_purchases.transaction_id IS 'The topup_purchase ledger row that granted the credits; set once, on fulfilment.';
COMMENT ON COLUMN public.credit_purchases.refunded_credits IS 'Credits clawed back by topup_refund rows after refunds or disputes.';
