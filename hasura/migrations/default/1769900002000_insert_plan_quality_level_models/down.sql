DELETE FROM public.plan_quality_level_models WHERE id LIKE 'pqlm\_%';
