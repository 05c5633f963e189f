ALTER TABLE public.credit_transactions
    DROP CONSTRAINT chk_credit_transactions_tokens,
    DROP COLUMN provider_cost_usd,
    DROP COLUMN output_tokens,
    DROP COLUMN input_tokens;
