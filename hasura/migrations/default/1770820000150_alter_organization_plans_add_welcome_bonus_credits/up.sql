-- Like monthly_ai_credits, a subscription may carry its own welcome bonus (a negotiated contract, a migrated
-- customer who had theirs already, a test that starts from a clean balance); null means the plan's.
ALTER TABLE public.organization_plans
    ADD COLUMN welcome_bonus_credits INT,
    ADD CONSTRAINT chk_organization_plans_welcome_bonus_credits_non_negative CHECK (welcome_bonus_credits >= 0);

COMMENT ON COLUMN public.organization_plans.welcome_bonus_credits IS
  'The welcome bonus this subscription grants if it provisions the organization''s balance; null = the plan''s welcome_bonus_credits.';
