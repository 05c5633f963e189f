-- Departs from the original T2.4 (design.md section 8): used_this_period is a maintained column, not a SUM
-- over the ledger, and credit amounts are NUMERIC(12,2) like the ledger.
CREATE TABLE public.organization_credit_balances (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL UNIQUE,  -- One balance per org
    monthly_credits NUMERIC(12,2) NOT NULL DEFAULT 0,
    bonus_credits NUMERIC(12,2) NOT NULL DEFAULT 0,
    reserved_credits NUMERIC(12,2) NOT NULL DEFAULT 0,
    used_this_period NUMERIC(12,2) NOT NULL DEFAULT 0,
    overdraft_limit NUMERIC(12,2) NOT NULL DEFAULT 0,
    low_balance_threshold NUMERIC(12,2),
    period_start TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    period_end TIMESTAMPTZ NOT NULL DEFAULT (NOW() + INTERVAL '1 month'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),

    -- used_this_period may exceed monthly + bonus (settled overspend is debt), so nothing forces
    -- the available balance to stay >= 0; the reservation check is where spending is limited.
    CONSTRAINT chk_monthly_credits_positive CHECK (monthly_credits >= 0),
    CONSTRAINT chk_bonus_credits_positive CHECK (bonus_credits >= 0),
    CONSTRAINT chk_reserved_credits_positive CHECK (reserved_credits >= 0),
    CONSTRAINT chk_used_this_period_positive CHECK (used_this_period >= 0),
    CONSTRAINT chk_overdraft_limit_positive CHECK (overdraft_limit >= 0),
    CONSTRAINT chk_low_balance_threshold_positive CHECK (low_balance_threshold IS NULL OR low_balance_threshold >= 0),
    CONSTRAINT chk_org_credit_balances_period CHECK (period_end > period_start)
);

ALTER TABLE public.organization_credit_balances
    ADD CONSTRAINT fk_org_credit_balances_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

-- Index for the monthly reset job
CREATE INDEX idx_org_credit_balances_period_end
    ON public.organization_credit_balances (period_end);

SELECT public.add_updated_at_trigger('organization_credit_balances', 'public');

COMMENT ON TABLE public.organization_credit_balances IS
  'Tracks credit balance state for each organization. One row per org. available = monthly + bonus - reserved - used_this_period; spendable = available + overdraft_limit.';
COMMENT ON COLUMN public.organization_credit_balances.monthly_credits IS
  'Credits allocated for the current billing period from the plan. Reset monthly.';
COMMENT ON COLUMN public.organization_credit_balances.bonus_credits IS
  'Additional credits from purchases or promotions. Does not reset monthly.';
COMMENT ON COLUMN public.organization_credit_balances.reserved_credits IS
  'Credits currently reserved for in-flight AI operations: the sum of reserved_credits of pending reservations.';
COMMENT ON COLUMN public.organization_credit_balances.used_this_period IS
  'Credits consumed (settled) in the current period, maintained by the credit functions in the same transaction as the ledger row (design.md section 8). May exceed monthly + bonus: that is debt.';
COMMENT ON COLUMN public.organization_credit_balances.overdraft_limit IS
  'How far negative the available balance can go. Provides grace for operations that slightly exceed limits.';
COMMENT ON COLUMN public.organization_credit_balances.low_balance_threshold IS
  'Available credits below which a low_balance notification is sent; NULL means 20% of monthly_credits.';
COMMENT ON COLUMN public.organization_credit_balances.period_start IS
  'Start of the current billing period. Used for calculating usage within the period.';
COMMENT ON COLUMN public.organization_credit_balances.period_end IS
  'End of the current billing period. When reached, monthly_credits are reset and period advances.';
COMMENT ON CONSTRAINT chk_monthly_credits_positive ON public.organization_credit_balances IS
  'Ensures monthly_credits cannot be negative.';
COMMENT ON CONSTRAINT chk_bonus_credits_positive ON public.organization_credit_balances IS
  'Ensures bonus_credits cannot be negative.';
COMMENT ON CONSTRAINT chk_reserved_credits_positive ON public.organization_credit_balances IS
  'Ensures reserved_credits cannot be negative.';
COMMENT ON CONSTRAINT chk_used_this_period_positive ON public.organization_credit_balances IS
  'Ensures used_this_period cannot be negative.';
COMMENT ON CONSTRAINT chk_overdraft_limit_positive ON public.organization_credit_balances IS
  'Ensures overdraft_limit cannot be negative.';
COMMENT ON CONSTRAINT fk_org_credit_balances_organization_id ON public.organization_credit_balances IS
  'Links balance to organization. CASCADE DELETE removes balance when organization is deleted.';
COMMENT ON INDEX public.idx_org_credit_balances_period_end IS
  'Supports monthly reset job to efficiently find expired billing periods.';
