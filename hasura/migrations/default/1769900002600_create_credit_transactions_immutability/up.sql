-- Invariant 6 (design.md section 4): ledger rows are never updated or deleted. Corrections are new rows.
CREATE FUNCTION public.refuse_credit_transaction_change()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'credit_transactions is an append-only ledger: % is not allowed; record a correcting transaction instead', TG_OP
        USING ERRCODE = 'P0001', HINT = 'LEDGER_IMMUTABLE';
END
$$;

COMMENT ON FUNCTION public.refuse_credit_transaction_change() IS
  'Trigger function that refuses UPDATE, DELETE and TRUNCATE on credit_transactions.';

CREATE TRIGGER credit_transactions_refuse_update_delete
    BEFORE UPDATE OR DELETE ON public.credit_transactions
    FOR EACH ROW EXECUTE FUNCTION public.refuse_credit_transaction_change();

CREATE TRIGGER credit_transactions_refuse_truncate
    BEFORE TRUNCATE ON public.credit_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_credit_transaction_change();
