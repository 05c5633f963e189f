-- Operator settings for settling: what a provider dollar costs in credits (the platform's margin) and the
-- most one settle may charge. One global row (plan_id NULL) holds every setting; a plan's row overrides the
-- settings it sets (a NULL column falls back to the global value).
CREATE TABLE public.credit_pricing (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    plan_id TEXT,
    credits_per_usd NUMERIC(12,4),
    settle_ceiling_factor NUMERIC(8,2),
    settle_ceiling_credits NUMERIC(12,2),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    CONSTRAINT fk_credit_pricing_plan_id
        FOREIGN KEY (plan_id) REFERENCES public.plans(id) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT chk_credit_pricing_credits_per_usd CHECK (credits_per_usd > 0),
    CONSTRAINT chk_credit_pricing_ceiling_factor CHECK (settle_ceiling_factor >= 1),
    CONSTRAINT chk_credit_pricing_ceiling_credits CHECK (settle_ceiling_credits > 0),
    CONSTRAINT chk_credit_pricing_global_complete CHECK (
        plan_id IS NOT NULL
        OR (credits_per_usd IS NOT NULL AND settle_ceiling_factor IS NOT NULL AND settle_ceiling_credits IS NOT NULL))
);

-- One global row and at most one row per plan.
CREATE UNIQUE INDEX uq_credit_pricing_plan ON public.credit_pricing ((coalesce(plan_id, '')));

-- 1000 credits per provider dollar: a fast call of ~2,000 input and ~500 output tokens on gpt-4o-mini costs
-- 0.0006 USD = 0.60 credits, in line with the capabilities' estimates (1 credit at fast quality).
INSERT INTO public.credit_pricing (id, plan_id, credits_per_usd, settle_ceiling_factor, settle_ceiling_credits)
VALUES ('pricing_global', NULL, 1000, 10, 10000);

COMMENT ON TABLE public.credit_pricing IS
  'Settle pricing and limits: the global row (plan_id NULL) and optional per-plan overrides (NULL = global value).';
COMMENT ON COLUMN public.credit_pricing.credits_per_usd IS
  'Credits charged per USD of provider cost when a settle gives token usage.';
COMMENT ON COLUMN public.credit_pricing.settle_ceiling_factor IS
  'A settle may charge at most this many times the reservation''s hold.';
COMMENT ON COLUMN public.credit_pricing.settle_ceiling_credits IS
  'A settle may charge at most this many credits, whatever the hold (more needs an admin adjustment).';
