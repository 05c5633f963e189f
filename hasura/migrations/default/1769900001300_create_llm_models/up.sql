CREATE TABLE public.llm_models (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    unique_name TEXT NOT NULL UNIQUE,        -- 'openai/gpt-4o-mini', 'google/gemini-2.0-flash'
    provider TEXT NOT NULL,                   -- 'openai', 'google', 'anthropic'
    model_id TEXT NOT NULL,                   -- Actual API model ID
    display_name TEXT NOT NULL,               -- 'GPT-4o Mini', 'Gemini 2.0 Flash'
    quality_tier TEXT NOT NULL,               -- 'fast', 'balanced', 'powerful'
    input_cost_per_million DECIMAL(10,4),     -- USD per 1M input tokens
    output_cost_per_million DECIMAL(10,4),    -- USD per 1M output tokens
    context_window INT,                       -- Token limit
    is_active BOOLEAN NOT NULL DEFAULT true,
    deprecated_at TIMESTAMPTZ,
    replacement_model_id TEXT,                -- FK to replacement if deprecated
    display_order INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    CONSTRAINT chk_llm_models_provider CHECK (provider IN ('openai', 'google', 'anthropic')),
    CONSTRAINT chk_llm_models_quality_tier CHECK (quality_tier IN ('fast', 'balanced', 'powerful')),
    CONSTRAINT fk_llm_models_replacement_model_id
        FOREIGN KEY (replacement_model_id) REFERENCES public.llm_models(id)
        ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE INDEX idx_llm_models_provider_quality_tier ON public.llm_models(provider, quality_tier);
CREATE INDEX idx_llm_models_is_active ON public.llm_models(is_active) WHERE is_active = true;
CREATE INDEX idx_llm_models_quality_tier_order ON public.llm_models(quality_tier, display_order);

COMMENT ON TABLE public.llm_models IS
  'Catalog of LLM models the platform can route to, with provider, tier and list prices.';
COMMENT ON COLUMN public.llm_models.unique_name IS 'provider/model_id, e.g. openai/gpt-4o-mini.';
COMMENT ON COLUMN public.llm_models.model_id IS 'The model name sent to the provider''s API.';
COMMENT ON COLUMN public.llm_models.quality_tier IS 'fast | balanced | powerful (the model''s own class, not a plan quality level).';
COMMENT ON COLUMN public.llm_models.input_cost_per_million IS 'USD per one million input tokens (provider list price).';
COMMENT ON COLUMN public.llm_models.output_cost_per_million IS 'USD per one million output tokens (provider list price).';
COMMENT ON COLUMN public.llm_models.deprecated_at IS 'When the provider retires the model; NULL while supported.';
COMMENT ON COLUMN public.llm_models.replacement_model_id IS 'The model to use instead once this one is deprecated.';
