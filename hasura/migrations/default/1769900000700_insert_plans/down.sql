DELETE FROM public.plans WHERE id IN ('plan_free', 'plan_pro', 'plan_team');
