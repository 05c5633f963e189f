-- Free: question_generation only, 10 rpm / 50 rpd. Pro: all three, 30 rpm / 500 rpd. Team: all, unlimited.
-- Ids are pac_<plan>_<capability> so code, tests and seeds can name a row without a lookup.
INSERT INTO public.plan_ai_capabilities (id, plan_id, ai_capability_id, is_enabled, rate_limit_rpm, rate_limit_rpd)
SELECT 'pac_' || p.unique_name || '_' || c.unique_name, p.id, c.id, true, l.rpm, l.rpd
FROM (VALUES ('free', 10, 50), ('pro', 30, 500), ('team', NULL, NULL)) AS l(plan, rpm, rpd)
JOIN public.plans p ON p.unique_name = l.plan
JOIN public.ai_capabilities c ON l.plan <> 'free' OR c.unique_name = 'question_generation';
