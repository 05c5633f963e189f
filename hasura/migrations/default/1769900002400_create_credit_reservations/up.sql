CREATE TABLE public.credit_reservations (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    ai_capability_id TEXT NOT NULL,
    quality_level_id TEXT NOT NULL,
    llm_model_id TEXT NOT NULL,
    reserved_credits NUMERIC(12,2) NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    idempotency_key TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    settled_credits NUMERIC(12,2),
    settled_at TIMESTAMPTZ,
    settled_late BOOLEAN NOT NULL DEFAULT false,
    released_at TIMESTAMPTZ,
    release_reason TEXT,
    expired_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),

    -- Keys are the caller's; two organizations may pick the same one.
    CONSTRAINT uq_credit_reservations_org_idempotency_key UNIQUE (organization_id, idempotency_key),
    CONSTRAINT chk_reservation_status CHECK (status IN ('pending', 'settled', 'released', 'expired')),
    CONSTRAINT chk_reserved_credits_positive CHECK (reserved_credits > 0),
    CONSTRAINT chk_settled_credits_positive CHECK (settled_credits IS NULL OR settled_credits >= 0),
    -- Each end state carries its timestamp; a pending reservation carries none. An expired reservation that
    -- is settled afterwards keeps expired_at and is flagged settled_late.
    CONSTRAINT chk_reservation_state CHECK (
        CASE status
            WHEN 'pending' THEN settled_at IS NULL AND released_at IS NULL AND expired_at IS NULL
                                AND settled_credits IS NULL
            WHEN 'settled' THEN settled_at IS NOT NULL AND settled_credits IS NOT NULL AND released_at IS NULL
            WHEN 'released' THEN released_at IS NOT NULL AND settled_at IS NULL
            WHEN 'expired' THEN expired_at IS NOT NULL AND settled_at IS NULL AND released_at IS NULL
        END),
    CONSTRAINT chk_settled_late CHECK (NOT settled_late OR (status = 'settled' AND expired_at IS NOT NULL))
);

ALTER TABLE public.credit_reservations
    ADD CONSTRAINT fk_credit_reservations_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

-- RESTRICT: a reservation must keep pointing at what it reserved for.
ALTER TABLE public.credit_reservations
    ADD CONSTRAINT fk_credit_reservations_ai_capability_id
    FOREIGN KEY (ai_capability_id) REFERENCES public.ai_capabilities(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE public.credit_reservations
    ADD CONSTRAINT fk_credit_reservations_quality_level_id
    FOREIGN KEY (quality_level_id) REFERENCES public.quality_levels(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE public.credit_reservations
    ADD CONSTRAINT fk_credit_reservations_llm_model_id
    FOREIGN KEY (llm_model_id) REFERENCES public.llm_models(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rate limits count an organization's reservations per capability in the last minute and day.
CREATE INDEX idx_credit_reservations_rate_limit
    ON public.credit_reservations (organization_id, ai_capability_id, created_at);
-- The expiry job scans only pending reservations, oldest deadline first.
CREATE INDEX idx_credit_reservations_pending_expiry
    ON public.credit_reservations (expires_at) WHERE status = 'pending';

SELECT public.add_updated_at_trigger('credit_reservations', 'public');

COMMENT ON TABLE public.credit_reservations IS
  'Tracks credit reservations for in-flight AI operations. Reservations hold credits during operation execution.';
COMMENT ON COLUMN public.credit_reservations.status IS
  'Reservation status: pending (in-flight), settled (completed successfully), released (cancelled/failed), expired (timed out)';
COMMENT ON COLUMN public.credit_reservations.idempotency_key IS
  'Unique per organization; prevents duplicate reservations for the same request. Usually the client request ID.';
COMMENT ON COLUMN public.credit_reservations.llm_model_id IS 'The model chosen for the operation when the credits were reserved.';
COMMENT ON COLUMN public.credit_reservations.settled_credits IS 'The actual cost charged at settlement; may exceed reserved_credits.';
COMMENT ON COLUMN public.credit_reservations.settled_late IS 'True when the reservation had expired before it was settled (still charged).';
COMMENT ON INDEX public.idx_credit_reservations_rate_limit IS
  'Counts of an organization''s reservations per capability since a time (rate limits).';
COMMENT ON INDEX public.idx_credit_reservations_pending_expiry IS
  'Finds pending reservations past expires_at for the expiry job.';
