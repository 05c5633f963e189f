CREATE OR REPLACE FUNCTION public.provision_credit_balance()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    inserted boolean;
BEGIN
    INSERT INTO public.organization_credit_balances (organization_id, monthly_credits, period_start, period_end)
    VALUES (NEW.organization_id, NEW.monthly_ai_credits, NEW.current_period_start, NEW.current_period_end)
    ON CONFLICT (organization_id) DO NOTHING
    RETURNING true INTO inserted;

    -- An organization that already has a balance (a plan change, a re-subscription) keeps it; the credit
    -- functions own every later change. A zero allocation has no ledger row (the ledger refuses zero rows).
    IF inserted AND NEW.monthly_ai_credits > 0 THEN
        INSERT INTO public.credit_transactions
            (organization_id, transaction_type, credits_amount, balance_after, idempotency_key, description)
        VALUES
            (NEW.organization_id, 'plan_allocation', NEW.monthly_ai_credits, NEW.monthly_ai_credits,
             public.plan_allocation_idempotency_key(NEW.organization_id, NEW.current_period_start),
             'Initial monthly credit allocation');
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION public.provision_credit_balance() IS
  'AFTER INSERT on organization_plans: creates the organization''s balance row and first plan_allocation when it has none.';
