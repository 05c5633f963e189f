DROP INDEX public.uq_credit_purchases_one_pending_auto_topup;

ALTER TABLE public.credit_purchases
    DROP CONSTRAINT chk_credit_purchases_disputed_amount,
    DROP CONSTRAINT chk_credit_purchases_refunded_amount,
    DROP COLUMN disputed_amount_cents,
    DROP COLUMN refunded_amount_cents,
    DROP COLUMN stripe_charge_id;
