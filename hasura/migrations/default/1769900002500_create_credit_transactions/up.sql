-- The immutable ledger (updates and deletes are refused by the next migration).
CREATE TABLE public.credit_transactions (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    credits_amount NUMERIC(12,2) NOT NULL,
    estimated_credits NUMERIC(12,2),
    -- Actual cost minus estimate for consumption rows (credits_amount is negative there, estimates positive):
    -- positive means the operation cost more than was reserved for it.
    estimation_variance NUMERIC(12,2) GENERATED ALWAYS AS (
        CASE WHEN estimated_credits IS NOT NULL
             THEN abs(credits_amount) - estimated_credits
        END
    ) STORED,
    balance_after NUMERIC(12,2) NOT NULL,
    ai_capability_id TEXT,           -- NULL for non-AI transactions
    quality_level_id TEXT,           -- NULL for non-AI transactions
    llm_model_id TEXT,               -- NULL for non-AI transactions
    reservation_id TEXT,             -- the settled reservation, for ai_consumption
    provider_request_id TEXT,
    provider_metadata JSONB,
    idempotency_key TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),

    CONSTRAINT uq_credit_transactions_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT chk_credit_transactions_type CHECK (transaction_type IN (
        'ai_consumption', 'plan_allocation', 'topup_purchase', 'promo_bonus',
        'admin_adjustment', 'plan_change_adjustment', 'expiration', 'topup_refund'
    )),
    -- Sign by type: what takes credits away is negative, what grants them positive; adjustments go either
    -- way but are never zero (a zero row records nothing).
    CONSTRAINT chk_credit_transactions_sign CHECK (
        (transaction_type IN ('ai_consumption', 'expiration', 'topup_refund') AND credits_amount < 0)
        OR (transaction_type IN ('plan_allocation', 'topup_purchase', 'promo_bonus') AND credits_amount > 0)
        OR (transaction_type IN ('admin_adjustment', 'plan_change_adjustment') AND credits_amount <> 0)
    ),
    CONSTRAINT chk_credit_transactions_estimated_positive CHECK (estimated_credits IS NULL OR estimated_credits >= 0)
);

-- RESTRICT everywhere: ledger rows are never updated or deleted, so no cascade may try to.
ALTER TABLE public.credit_transactions
    ADD CONSTRAINT fk_credit_transactions_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

ALTER TABLE public.credit_transactions
    ADD CONSTRAINT fk_credit_transactions_ai_capability_id
    FOREIGN KEY (ai_capability_id) REFERENCES public.ai_capabilities(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

ALTER TABLE public.credit_transactions
    ADD CONSTRAINT fk_credit_transactions_quality_level_id
    FOREIGN KEY (quality_level_id) REFERENCES public.quality_levels(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

ALTER TABLE public.credit_transactions
    ADD CONSTRAINT fk_credit_transactions_llm_model_id
    FOREIGN KEY (llm_model_id) REFERENCES public.llm_models(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

ALTER TABLE public.credit_transactions
    ADD CONSTRAINT fk_credit_transactions_reservation_id
    FOREIGN KEY (reservation_id) REFERENCES public.credit_reservations(id)
    ON DELETE RESTRICT ON UPDATE RESTRICT;

CREATE INDEX idx_credit_transactions_org_time
    ON public.credit_transactions (organization_id, created_at DESC);
CREATE INDEX idx_credit_transactions_type
    ON public.credit_transactions (transaction_type);
CREATE INDEX idx_credit_transactions_capability
    ON public.credit_transactions (ai_capability_id) WHERE ai_capability_id IS NOT NULL;
CREATE INDEX idx_credit_transactions_reservation
    ON public.credit_transactions (reservation_id) WHERE reservation_id IS NOT NULL;
-- Covering index for consumption aggregates (credit_usage_daily, reconciliation).
CREATE INDEX idx_credit_transactions_consumption_covering
    ON public.credit_transactions (organization_id, created_at)
    INCLUDE (credits_amount)
    WHERE transaction_type = 'ai_consumption';

COMMENT ON TABLE public.credit_transactions IS
  'Immutable audit log of all credit changes for organizations. Records consumption, allocations, purchases, adjustments, refunds and expirations. The sum of credits_amount of an organization equals monthly_credits + bonus_credits - used_this_period.';
COMMENT ON COLUMN public.credit_transactions.transaction_type IS
  'ai_consumption | expiration | topup_refund (negative); plan_allocation | topup_purchase | promo_bonus (positive); admin_adjustment | plan_change_adjustment (either sign, nonzero).';
COMMENT ON COLUMN public.credit_transactions.credits_amount IS 'Signed change in credits.';
COMMENT ON COLUMN public.credit_transactions.estimated_credits IS 'For ai_consumption: the credits reserved (the estimate) before the operation ran.';
COMMENT ON COLUMN public.credit_transactions.estimation_variance IS 'Generated: abs(credits_amount) - estimated_credits; positive when the actual cost exceeded the estimate.';
COMMENT ON COLUMN public.credit_transactions.balance_after IS 'monthly_credits + bonus_credits - used_this_period right after this row (the running ledger sum).';
COMMENT ON COLUMN public.credit_transactions.idempotency_key IS
  'Unique across the ledger; every writer supplies one (e.g. alloc:<org>:<period start>, settle:<reservation>).';
COMMENT ON COLUMN public.credit_transactions.provider_request_id IS 'The LLM provider''s request id, for support.';
COMMENT ON COLUMN public.credit_transactions.provider_metadata IS 'Provider details of the call (tokens, latency), as sent by the caller.';
COMMENT ON INDEX public.idx_credit_transactions_consumption_covering IS
  'Partial covering index for ai_consumption aggregates per organization and time.';
