-- The original T1.4 also had an allowed_models TEXT[] column; T1.4d settled on the
-- plan_quality_level_models junction instead, so the models live only there (one place for the rule).
CREATE TABLE public.plan_ai_capability_quality_levels (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    plan_ai_capability_id TEXT NOT NULL,
    quality_level_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id)
);

ALTER TABLE public.plan_ai_capability_quality_levels
    ADD CONSTRAINT uq_pacql_plan_ai_capability_quality
    UNIQUE (plan_ai_capability_id, quality_level_id);

ALTER TABLE public.plan_ai_capability_quality_levels
    ADD CONSTRAINT fk_pacql_plan_ai_capability_id
    FOREIGN KEY (plan_ai_capability_id) REFERENCES public.plan_ai_capabilities(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE public.plan_ai_capability_quality_levels
    ADD CONSTRAINT fk_pacql_quality_level_id
    FOREIGN KEY (quality_level_id) REFERENCES public.quality_levels(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

CREATE INDEX idx_pacql_plan_ai_capability_id
    ON public.plan_ai_capability_quality_levels(plan_ai_capability_id);
CREATE INDEX idx_pacql_quality_level_id
    ON public.plan_ai_capability_quality_levels(quality_level_id);

COMMENT ON TABLE public.plan_ai_capability_quality_levels IS
  'Junction table defining which quality levels are available for each plan-capability combination; the models serving each are in plan_quality_level_models.';
