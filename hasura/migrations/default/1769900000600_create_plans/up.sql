CREATE TABLE public.plans (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    unique_name TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    monthly_ai_credits INT NOT NULL DEFAULT 0,
    price_usd_cents INT NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT true,
    display_order INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT plans_pkey PRIMARY KEY (id),
    CONSTRAINT plans_unique_name_key UNIQUE (unique_name),
    CONSTRAINT chk_plans_monthly_ai_credits_non_negative CHECK (monthly_ai_credits >= 0),
    CONSTRAINT chk_plans_price_non_negative CHECK (price_usd_cents >= 0)
);

CREATE INDEX idx_plans_active_order ON public.plans (display_order) WHERE is_active = true;

SELECT public.add_updated_at_trigger('plans', 'public');

COMMENT ON TABLE public.plans IS
  'Subscription plans (free, pro, team). What each unlocks is in plan_ai_capabilities.';
COMMENT ON COLUMN public.plans.unique_name IS 'Stable machine name: free | pro | team.';
COMMENT ON COLUMN public.plans.monthly_ai_credits IS
  'Number of AI credits allocated per billing period for this plan. Free=10, Pro=500, Team=2000. Credits are consumed by AI features like testimonial assembly and smart prompts.';
COMMENT ON COLUMN public.plans.price_usd_cents IS 'Monthly subscription price in US cents.';
