DROP TABLE public.plan_quality_level_models;
