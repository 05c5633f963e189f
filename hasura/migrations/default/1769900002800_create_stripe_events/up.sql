-- Every verified Stripe webhook event, stored before any processing; the primary key makes replays no-ops.
CREATE TABLE public.stripe_events (
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    livemode BOOLEAN NOT NULL DEFAULT false,
    payload JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    processed_at TIMESTAMPTZ,
    outcome TEXT,
    error TEXT,
    PRIMARY KEY (id),
    CONSTRAINT chk_stripe_events_processed_outcome CHECK (processed_at IS NULL OR outcome IS NOT NULL)
);

CREATE INDEX idx_stripe_events_unprocessed ON public.stripe_events (received_at) WHERE processed_at IS NULL;
CREATE INDEX idx_stripe_events_type ON public.stripe_events (type);

COMMENT ON TABLE public.stripe_events IS
  'Verified Stripe webhook events keyed by Stripe''s event id (replays are no-ops). An event trigger on insert fulfils them.';
COMMENT ON COLUMN public.stripe_events.id IS 'Stripe''s event id (evt_...).';
COMMENT ON COLUMN public.stripe_events.type IS 'Stripe event type, e.g. checkout.session.completed.';
COMMENT ON COLUMN public.stripe_events.payload IS 'The whole verified event body.';
COMMENT ON COLUMN public.stripe_events.outcome IS 'What processing did, e.g. fulfilled, already_fulfilled, ignored; set with processed_at.';
COMMENT ON COLUMN public.stripe_events.error IS 'The last processing error, kept while retries continue.';
