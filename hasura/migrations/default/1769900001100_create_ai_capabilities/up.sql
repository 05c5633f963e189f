CREATE TABLE public.ai_capabilities (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    unique_name TEXT NOT NULL UNIQUE,  -- 'question_generation', 'testimonial_assembly', etc.
    name TEXT NOT NULL,                 -- Display name
    description TEXT,
    category TEXT NOT NULL DEFAULT 'general',
    icon TEXT,                          -- Icon identifier for UI
    estimated_credits_fast DECIMAL(10,2) NOT NULL DEFAULT 1.0,
    estimated_credits_enhanced DECIMAL(10,2) NOT NULL DEFAULT 1.5,
    estimated_credits_premium DECIMAL(10,2) NOT NULL DEFAULT 3.0,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    CONSTRAINT chk_ai_capabilities_estimates_positive
        CHECK (estimated_credits_fast > 0 AND estimated_credits_enhanced > 0 AND estimated_credits_premium > 0)
);

CREATE INDEX idx_ai_capabilities_category ON public.ai_capabilities(category);
CREATE INDEX idx_ai_capabilities_is_active ON public.ai_capabilities(is_active) WHERE is_active = true;

SELECT public.add_updated_at_trigger('ai_capabilities', 'public');

COMMENT ON TABLE public.ai_capabilities IS
  'Catalog of AI features available in the platform. Defines each capability with display info and credit cost estimates per quality level.';
COMMENT ON COLUMN public.ai_capabilities.unique_name IS
  'Stable machine name used by the API: question_generation | testimonial_assembly | testimonial_polish.';
COMMENT ON COLUMN public.ai_capabilities.estimated_credits_fast IS 'Credits reserved by default for one use at fast quality.';
COMMENT ON COLUMN public.ai_capabilities.estimated_credits_enhanced IS 'Credits reserved by default for one use at enhanced quality.';
COMMENT ON COLUMN public.ai_capabilities.estimated_credits_premium IS 'Credits reserved by default for one use at premium quality.';
