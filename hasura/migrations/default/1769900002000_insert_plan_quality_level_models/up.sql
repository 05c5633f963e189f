-- 16 plan-capability-quality levels x 3 providers = 48 rows. OpenAI is the default (priority 0),
-- Google the first fallback (1), Anthropic the second (2).
-- fast: gpt-4o-mini, gemini-2.0-flash, claude-3-5-haiku; enhanced: gpt-4o, gemini-2.5-flash, claude-sonnet-4;
-- premium: gpt-4o, gemini-2.5-pro, claude-sonnet-4. Ids are pqlm_<plan>_<capability>_<quality>_<provider>.
INSERT INTO public.plan_quality_level_models (id, plan_ai_capability_quality_level_id, llm_model_id, is_default, priority)
SELECT 'pqlm_' || substr(pacql.id, 7) || '_' || m.provider, pacql.id, m.id, l.priority = 0, l.priority
FROM public.plan_ai_capability_quality_levels pacql
JOIN public.quality_levels ql ON ql.id = pacql.quality_level_id
JOIN (VALUES ('fast', 'openai/gpt-4o-mini', 0),
             ('fast', 'google/gemini-2.0-flash', 1),
             ('fast', 'anthropic/claude-3-5-haiku-latest', 2),
             ('enhanced', 'openai/gpt-4o', 0),
             ('enhanced', 'google/gemini-2.5-flash', 1),
             ('enhanced', 'anthropic/claude-sonnet-4-20250514', 2),
             ('premium', 'openai/gpt-4o', 0),
             ('premium', 'google/gemini-2.5-pro', 1),
             ('premium', 'anthropic/claude-sonnet-4-20250514', 2)) AS l(quality, model, priority)
  ON l.quality = ql.unique_name
JOIN public.llm_models m ON m.unique_name = l.model
WHERE pacql.id LIKE 'pacql\_%';
