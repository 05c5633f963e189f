-- ledger_seq is one identity across the platform, so the gaps a member sees between its own rows tell how
-- busy every other organization is. org_seq numbers each organization's rows 1, 2, 3, ... in the same order
-- (assigned under the organization's balance row lock, like ledger_seq): an ordered, gap-free cursor that
-- tells a member only about its own ledger. End-user roles read org_seq; ledger_seq is for admin.
ALTER TABLE public.credit_transactions ADD COLUMN org_seq BIGINT;

-- The ledger refuses UPDATE; numbering the existing rows is the one exception, inside this migration.
ALTER TABLE public.credit_transactions DISABLE TRIGGER credit_transactions_refuse_update_delete;
UPDATE public.credit_transactions t
SET org_seq = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY organization_id ORDER BY ledger_seq) AS seq
      FROM public.credit_transactions) n
WHERE n.id = t.id;
ALTER TABLE public.credit_transactions ENABLE TRIGGER credit_transactions_refuse_update_delete;

ALTER TABLE public.credit_transactions ALTER COLUMN org_seq SET NOT NULL;

CREATE UNIQUE INDEX idx_credit_transactions_org_org_seq
    ON public.credit_transactions (organization_id, org_seq);

CREATE FUNCTION public.credit_transactions_assign_org_seq()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Every credit writer already holds this lock (credits_lock_balance; provisioning inserts the row in
    -- the same transaction), so taking it again costs nothing and keeps any future writer serialized too.
    PERFORM 1 FROM public.organization_credit_balances
    WHERE organization_id = NEW.organization_id
    FOR UPDATE;
    SELECT coalesce(max(t.org_seq), 0) + 1 INTO NEW.org_seq
    FROM public.credit_transactions t
    WHERE t.organization_id = NEW.organization_id;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION public.credit_transactions_assign_org_seq() IS
  'BEFORE INSERT on credit_transactions: org_seq = the organization''s previous org_seq + 1.';

CREATE TRIGGER credit_transactions_assign_org_seq
    BEFORE INSERT ON public.credit_transactions
    FOR EACH ROW EXECUTE FUNCTION public.credit_transactions_assign_org_seq();

COMMENT ON COLUMN public.credit_transactions.org_seq IS
  'Position of the row in its organization''s ledger (1, 2, 3, ...; same order as ledger_seq): the cursor end-user roles stream by.';
