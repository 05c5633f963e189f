CREATE TABLE public.organization_plans (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    current_period_start TIMESTAMPTZ NOT NULL DEFAULT now(),
    current_period_end TIMESTAMPTZ NOT NULL DEFAULT (now() + INTERVAL '1 month'),
    -- No default: the BEFORE INSERT trigger below copies the plan's value when none is given.
    monthly_ai_credits INT NOT NULL,
    pending_plan_id TEXT,
    pending_change_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT organization_plans_pkey PRIMARY KEY (id),
    CONSTRAINT chk_organization_plans_status CHECK (status IN ('active', 'past_due', 'canceled')),
    CONSTRAINT chk_organization_plans_period CHECK (current_period_end > current_period_start),
    CONSTRAINT chk_organization_plans_monthly_ai_credits_non_negative CHECK (monthly_ai_credits >= 0),
    CONSTRAINT chk_organization_plans_pending_change CHECK ((pending_plan_id IS NULL) = (pending_change_at IS NULL)),
    CONSTRAINT fk_organization_plans_organization_id
        FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT fk_organization_plans_plan_id
        FOREIGN KEY (plan_id) REFERENCES public.plans(id)
        ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT fk_organization_plans_pending_plan_id
        FOREIGN KEY (pending_plan_id) REFERENCES public.plans(id)
        ON DELETE SET NULL ON UPDATE CASCADE
);

-- One current subscription per organization; canceled rows stay as history.
CREATE UNIQUE INDEX uq_organization_plans_current
    ON public.organization_plans (organization_id) WHERE status <> 'canceled';

CREATE INDEX idx_organization_plans_plan_id ON public.organization_plans (plan_id);

-- Partial index for the scheduled job that processes pending changes
CREATE INDEX idx_organization_plans_pending_change
    ON public.organization_plans (pending_change_at)
    WHERE pending_change_at IS NOT NULL;

CREATE FUNCTION public.organization_plans_default_monthly_ai_credits()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.monthly_ai_credits IS NULL THEN
        -- 0 for an unknown plan_id, so that the foreign key (checked later) reports the real mistake.
        NEW.monthly_ai_credits := coalesce(
            (SELECT p.monthly_ai_credits FROM public.plans p WHERE p.id = NEW.plan_id), 0);
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION public.organization_plans_default_monthly_ai_credits() IS
  'BEFORE INSERT: an organization plan without an explicit allocation gets its plan''s monthly_ai_credits.';

CREATE TRIGGER organization_plans_default_monthly_ai_credits
    BEFORE INSERT ON public.organization_plans
    FOR EACH ROW EXECUTE FUNCTION public.organization_plans_default_monthly_ai_credits();

SELECT public.add_updated_at_trigger('organization_plans', 'public');

COMMENT ON TABLE public.organization_plans IS
  'An organization''s subscription to a plan and its current billing period. At most one non-canceled row per organization.';
COMMENT ON COLUMN public.organization_plans.status IS 'active | past_due | canceled.';
COMMENT ON COLUMN public.organization_plans.monthly_ai_credits IS
  'Cached copy of monthly AI credits from the plan. Updated on plan change. Used to track the org-specific allocation which may differ from plan default for enterprise deals.';
COMMENT ON COLUMN public.organization_plans.pending_plan_id IS
  'FK to plans table. Set when a downgrade is scheduled to take effect at period end. NULL means no pending change.';
COMMENT ON COLUMN public.organization_plans.pending_change_at IS
  'Timestamp when the pending plan change should be applied. Used by scheduled job to process changes at period end.';
COMMENT ON INDEX public.idx_organization_plans_pending_change IS
  'Partial index for efficiently querying pending plan changes. Used by scheduled job.';
