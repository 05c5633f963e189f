CREATE INDEX idx_credit_transactions_consumption_covering
    ON public.credit_transactions (organization_id, created_at)
    INCLUDE (credits_amount)
    WHERE transaction_type = 'ai_consumption';

COMMENT ON INDEX public.idx_credit_transactions_consumption_covering IS
  'Partial covering index for ai_consumption aggregates per organization and time.';

DROP INDEX public.idx_credit_transactions_usage_daily;
