CREATE TABLE public.plan_ai_capabilities (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    plan_id TEXT NOT NULL,
    ai_capability_id TEXT NOT NULL,
    is_enabled BOOLEAN NOT NULL DEFAULT true,
    rate_limit_rpm INT,  -- requests per minute, NULL = unlimited
    rate_limit_rpd INT,  -- requests per day, NULL = unlimited
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    UNIQUE (plan_id, ai_capability_id),
    CONSTRAINT chk_plan_ai_capabilities_rate_limits_positive
        CHECK ((rate_limit_rpm IS NULL OR rate_limit_rpm > 0) AND (rate_limit_rpd IS NULL OR rate_limit_rpd > 0))
);

ALTER TABLE public.plan_ai_capabilities
    ADD CONSTRAINT fk_plan_ai_capabilities_plan_id
    FOREIGN KEY (plan_id) REFERENCES public.plans(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE public.plan_ai_capabilities
    ADD CONSTRAINT fk_plan_ai_capabilities_ai_capability_id
    FOREIGN KEY (ai_capability_id) REFERENCES public.ai_capabilities(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

CREATE INDEX idx_plan_ai_capabilities_plan_id ON public.plan_ai_capabilities(plan_id);
CREATE INDEX idx_plan_ai_capabilities_ai_capability_id ON public.plan_ai_capabilities(ai_capability_id);

SELECT public.add_updated_at_trigger('plan_ai_capabilities', 'public');

COMMENT ON TABLE public.plan_ai_capabilities IS
  'Junction table linking subscription plans to AI capabilities they can access.';
COMMENT ON COLUMN public.plan_ai_capabilities.is_enabled IS
  'Whether this capability is enabled for this plan. Allows disabling without removing the row.';
COMMENT ON COLUMN public.plan_ai_capabilities.rate_limit_rpm IS
  'Maximum requests per minute for this capability on this plan. NULL means unlimited.';
COMMENT ON COLUMN public.plan_ai_capabilities.rate_limit_rpd IS
  'Maximum requests per day for this capability on this plan. NULL means unlimited.';
