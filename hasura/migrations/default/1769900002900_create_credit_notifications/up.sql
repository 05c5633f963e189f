-- Low-balance notices, written by the credit functions on a threshold crossing and delivered by an event
-- trigger. Dedupe: one row per (organization, kind, period, episode). An episode starts at 1 each period;
-- once a `recovered` notice closes episode n (credits back above the threshold), the next crossing down is
-- episode n + 1, so each real crossing is notified once and a repeated detection of one crossing is not.
CREATE TABLE public.credit_notifications (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    period_start TIMESTAMPTZ NOT NULL,
    episode INT NOT NULL DEFAULT 1,
    available_at_crossing NUMERIC(12,2),
    threshold NUMERIC(12,2),
    delivery_status TEXT NOT NULL DEFAULT 'pending',
    attempts INT NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),

    CONSTRAINT uq_credit_notifications_dedupe UNIQUE (organization_id, kind, period_start, episode),
    CONSTRAINT chk_credit_notifications_kind
        CHECK (kind IN ('low_balance', 'depleted', 'recovered', 'auto_topup_failed')),
    CONSTRAINT chk_credit_notifications_delivery_status
        CHECK (delivery_status IN ('pending', 'delivered', 'failed', 'skipped')),
    CONSTRAINT chk_credit_notifications_episode_positive CHECK (episode >= 1),
    CONSTRAINT chk_credit_notifications_attempts_non_negative CHECK (attempts >= 0),
    CONSTRAINT chk_credit_notifications_delivered_at
        CHECK ((delivery_status = 'delivered') = (delivered_at IS NOT NULL))
);

ALTER TABLE public.credit_notifications
    ADD CONSTRAINT fk_credit_notifications_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

CREATE INDEX idx_credit_notifications_org_time ON public.credit_notifications (organization_id, created_at DESC);

SELECT public.add_updated_at_trigger('credit_notifications', 'public');

COMMENT ON TABLE public.credit_notifications IS
  'Low-balance notices (low_balance, depleted, recovered, auto_topup_failed), one per organization, kind, period and episode, with their delivery status.';
COMMENT ON COLUMN public.credit_notifications.period_start IS 'The billing period the crossing happened in (organization_credit_balances.period_start).';
COMMENT ON COLUMN public.credit_notifications.episode IS
  'Re-arming counter within a period: 1 for the first crossing down; after a recovered notice of episode n, the next crossing is n + 1.';
COMMENT ON COLUMN public.credit_notifications.available_at_crossing IS 'Available credits right after the crossing.';
COMMENT ON COLUMN public.credit_notifications.threshold IS 'The threshold that was crossed.';
COMMENT ON COLUMN public.credit_notifications.delivery_status IS
  'pending | delivered | failed (retries exhausted) | skipped (no webhook configured).';
