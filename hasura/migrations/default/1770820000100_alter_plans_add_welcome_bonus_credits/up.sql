-- A newly provisioned organization gets its plan's welcome bonus once (provision_credit_balance). The amounts
-- are the ones the demo tenants always had: free 10, pro 25, team 50.
ALTER TABLE public.plans
    ADD COLUMN welcome_bonus_credits INT NOT NULL DEFAULT 0,
    ADD CONSTRAINT chk_plans_welcome_bonus_credits_non_negative CHECK (welcome_bonus_credits >= 0);

COMMENT ON COLUMN public.plans.welcome_bonus_credits IS
  'Bonus credits an organization receives once, when its first plan provisions its balance (a promo_bonus ledger row). Kept across periods like any bonus. 0 = none.';

-- Filling a new column is not an edit of the plans: updated_at keeps its value (and down.sql restores all).
ALTER TABLE public.plans DISABLE TRIGGER set_public_plans_updated_at;
UPDATE public.plans SET welcome_bonus_credits = 10 WHERE id = 'plan_free';
UPDATE public.plans SET welcome_bonus_credits = 25 WHERE id = 'plan_pro';
UPDATE public.plans SET welcome_bonus_credits = 50 WHERE id = 'plan_team';
ALTER TABLE public.plans ENABLE TRIGGER set_public_plans_updated_at;
