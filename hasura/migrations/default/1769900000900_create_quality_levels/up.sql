CREATE TABLE public.quality_levels (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    unique_name TEXT NOT NULL UNIQUE,  -- 'fast', 'enhanced', 'premium'
    name TEXT NOT NULL,                 -- Display name
    description TEXT,
    display_order INT NOT NULL DEFAULT 0,
    credit_multiplier DECIMAL(3,2) NOT NULL DEFAULT 1.0,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id)
);

CREATE INDEX idx_quality_levels_unique_name ON public.quality_levels(unique_name);
CREATE INDEX idx_quality_levels_display_order ON public.quality_levels(display_order);
CREATE INDEX idx_quality_levels_is_active ON public.quality_levels(is_active);

COMMENT ON TABLE public.quality_levels IS
  'Defines AI quality tiers (fast, enhanced, premium) that determine model selection and credit costs.';
COMMENT ON COLUMN public.quality_levels.unique_name IS 'Stable machine name: fast | enhanced | premium.';
COMMENT ON COLUMN public.quality_levels.display_order IS 'Order in which quality levels are shown, lowest first.';
COMMENT ON COLUMN public.quality_levels.credit_multiplier IS
  'Relative cost of this level compared with fast (1.0); the per-capability estimates in ai_capabilities already include it.';
COMMENT ON COLUMN public.quality_levels.is_active IS 'Inactive levels are hidden and cannot be used.';
