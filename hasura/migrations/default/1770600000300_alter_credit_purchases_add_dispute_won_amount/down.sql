ALTER TABLE public.credit_purchases
    DROP CONSTRAINT chk_credit_purchases_dispute_won_amount,
    DROP COLUMN dispute_won_amount_cents;
