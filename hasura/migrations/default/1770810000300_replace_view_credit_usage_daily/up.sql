-- The usage view gains tokens and provider cost (appended columns: CREATE OR REPLACE keeps the others).
-- A read that asks for the new sums fetches the ledger rows (an index scan on the usage index); one that does
-- not stays index-only, because PostgreSQL drops unused outputs of the view's grouping.
CREATE OR REPLACE VIEW public.credit_usage_daily AS
SELECT
    t.organization_id,
    (t.created_at AT TIME ZONE 'UTC')::date AS day,
    t.ai_capability_id,
    t.quality_level_id,
    t.llm_model_id,
    count(*)::int AS operations,
    -sum(t.credits_amount) AS credits,
    coalesce(sum(t.input_tokens), 0)::bigint AS input_tokens,
    coalesce(sum(t.output_tokens), 0)::bigint AS output_tokens,
    coalesce(sum(t.provider_cost_usd), 0) AS provider_cost_usd
FROM public.credit_transactions t
WHERE t.transaction_type = 'ai_consumption'
GROUP BY t.organization_id, (t.created_at AT TIME ZONE 'UTC')::date,
         t.ai_capability_id, t.quality_level_id, t.llm_model_id;

COMMENT ON COLUMN public.credit_usage_daily.input_tokens IS 'Input tokens of the usage-settled operations (0 for amount settles).';
COMMENT ON COLUMN public.credit_usage_daily.output_tokens IS 'Output tokens of the usage-settled operations.';
COMMENT ON COLUMN public.credit_usage_daily.provider_cost_usd IS 'Provider cost in USD of the usage-settled operations.';
