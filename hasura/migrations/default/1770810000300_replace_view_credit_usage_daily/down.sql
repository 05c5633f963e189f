DROP VIEW public.credit_usage_daily;
CREATE VIEW public.credit_usage_daily AS
SELECT
    t.organization_id,
    (t.created_at AT TIME ZONE 'UTC')::date AS day,
    t.ai_capability_id,
    t.quality_level_id,
    t.llm_model_id,
    count(*)::int AS operations,
    -sum(t.credits_amount) AS credits
FROM public.credit_transactions t
WHERE t.transaction_type = 'ai_consumption'
GROUP BY t.organization_id, (t.created_at AT TIME ZONE 'UTC')::date,
         t.ai_capability_id, t.quality_level_id, t.llm_model_id;

COMMENT ON VIEW public.credit_usage_daily IS
  'AI credit consumption per organization, UTC day, capability, quality level and model: operations and credits spent.';
COMMENT ON COLUMN public.credit_usage_daily.day IS 'The UTC calendar day of the consumption.';
COMMENT ON COLUMN public.credit_usage_daily.operations IS 'Number of settled AI operations.';
COMMENT ON COLUMN public.credit_usage_daily.credits IS 'Credits consumed (positive).';
