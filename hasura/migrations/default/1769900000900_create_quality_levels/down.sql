DROP TABLE public.quality_levels;
