CREATE INDEX idx_credit_transactions_type
    ON public.credit_transactions (transaction_type);
