-- A consumption row settled by token usage records the tokens and what the provider charged for them, so an
-- operator can see the margin per organization, capability and model. NULL on every other row.
ALTER TABLE public.credit_transactions
    ADD COLUMN input_tokens BIGINT,
    ADD COLUMN output_tokens BIGINT,
    ADD COLUMN provider_cost_usd NUMERIC(24,10),
    ADD CONSTRAINT chk_credit_transactions_tokens CHECK (
        (input_tokens IS NULL OR input_tokens >= 0) AND (output_tokens IS NULL OR output_tokens >= 0)
        AND (provider_cost_usd IS NULL OR provider_cost_usd >= 0));

COMMENT ON COLUMN public.credit_transactions.input_tokens IS 'Input tokens of a usage-settled AI call (llm_model_id is the model used).';
COMMENT ON COLUMN public.credit_transactions.output_tokens IS 'Output tokens of a usage-settled AI call.';
COMMENT ON COLUMN public.credit_transactions.provider_cost_usd IS 'The provider''s list price of those tokens in USD, unrounded.';
