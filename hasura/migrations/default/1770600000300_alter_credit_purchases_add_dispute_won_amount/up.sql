-- A dispute the merchant wins gives the money back, so it gives the credits back too. Like the refunded and
-- disputed amounts, the won amount is cumulative and only grows, so replays and out-of-order dispute events
-- converge on one state.
ALTER TABLE public.credit_purchases
    ADD COLUMN dispute_won_amount_cents INT NOT NULL DEFAULT 0,
    ADD CONSTRAINT chk_credit_purchases_dispute_won_amount
        CHECK (dispute_won_amount_cents >= 0 AND dispute_won_amount_cents <= amount_cents);

COMMENT ON COLUMN public.credit_purchases.dispute_won_amount_cents IS
  'Disputed amount returned when the dispute closed as won (charge.dispute.closed); its credits are reinstated.';
