CREATE TABLE public.plan_quality_level_models (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    plan_ai_capability_quality_level_id TEXT NOT NULL,
    llm_model_id TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT false,
    priority INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    CONSTRAINT uq_pqlm_quality_level_model UNIQUE (plan_ai_capability_quality_level_id, llm_model_id),
    CONSTRAINT chk_pqlm_priority_non_negative CHECK (priority >= 0)
);

ALTER TABLE public.plan_quality_level_models
    ADD CONSTRAINT fk_pqlm_plan_ai_capability_quality_level_id
    FOREIGN KEY (plan_ai_capability_quality_level_id)
    REFERENCES public.plan_ai_capability_quality_levels(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE public.plan_quality_level_models
    ADD CONSTRAINT fk_pqlm_llm_model_id
    FOREIGN KEY (llm_model_id) REFERENCES public.llm_models(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

CREATE INDEX idx_pqlm_plan_ai_capability_quality_level_id
    ON public.plan_quality_level_models(plan_ai_capability_quality_level_id);
CREATE INDEX idx_pqlm_llm_model_id ON public.plan_quality_level_models(llm_model_id);
-- At most one default model per plan-capability-quality level (the original had a plain partial index).
CREATE UNIQUE INDEX idx_pqlm_default
    ON public.plan_quality_level_models(plan_ai_capability_quality_level_id) WHERE is_default = true;

COMMENT ON TABLE public.plan_quality_level_models IS
  'Which LLM models serve each plan-capability-quality level: the default first, then fallbacks by priority.';
COMMENT ON COLUMN public.plan_quality_level_models.is_default IS 'The model used unless it is unavailable; one per quality level.';
COMMENT ON COLUMN public.plan_quality_level_models.priority IS 'Fallback order, lowest first (OpenAI 0, Google 1, Anthropic 2).';
COMMENT ON INDEX public.idx_pqlm_default IS 'One default model per plan-capability-quality level, and its fast lookup.';
