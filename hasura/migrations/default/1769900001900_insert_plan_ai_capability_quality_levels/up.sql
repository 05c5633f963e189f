-- Free: fast. Pro: fast, enhanced. Team: fast, enhanced, premium. 1 + 6 + 9 = 16 rows.
-- Ids are pacql_<plan>_<capability>_<quality level>.
INSERT INTO public.plan_ai_capability_quality_levels (id, plan_ai_capability_id, quality_level_id)
SELECT 'pacql_' || p.unique_name || '_' || c.unique_name || '_' || ql.unique_name, pac.id, ql.id
FROM public.plan_ai_capabilities pac
JOIN public.plans p ON p.id = pac.plan_id
JOIN public.ai_capabilities c ON c.id = pac.ai_capability_id
JOIN (VALUES ('free', 'fast'), ('pro', 'fast'), ('pro', 'enhanced'),
             ('team', 'fast'), ('team', 'enhanced'), ('team', 'premium')) AS l(plan, quality)
  ON l.plan = p.unique_name
JOIN public.quality_levels ql ON ql.unique_name = l.quality;
