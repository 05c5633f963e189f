-- The dashboard's usage read (credit_usage_daily over the last N days) went through the old covering index
-- on (organization_id, created_at): every consumption row of the organization was fetched, its UTC day
-- computed and filtered, and the rows sorted by day, capability, quality level and model before grouping.
-- This index holds the view's grouping keys in the view's order, so a day range is an index range, the groups
-- arrive sorted, and the read is index-only once the rows are all-visible (created_at is included because an
-- index-only scan needs every column the view's expression reads). Same number of indexes on the ledger.
-- Building it here locks the ledger against writes meanwhile; on a large ledger an operator builds it first,
-- concurrently and under this name, outside any migration (IF NOT EXISTS then leaves it as it is).
CREATE INDEX IF NOT EXISTS idx_credit_transactions_usage_daily
    ON public.credit_transactions
       (organization_id, ((created_at AT TIME ZONE 'UTC')::date), ai_capability_id, quality_level_id, llm_model_id)
    INCLUDE (credits_amount, created_at)
    WHERE transaction_type = 'ai_consumption';

DROP INDEX public.idx_credit_transactions_consumption_covering;

COMMENT ON INDEX public.idx_credit_transactions_usage_daily IS
  'Consumption per organization in credit_usage_daily''s grouping order (UTC day, capability, quality level, model).';
