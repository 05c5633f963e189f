-- A total order of the ledger. Rows written in one transaction share created_at (rollover writes an
-- expiration and an allocation at the same instant), so created_at cannot order them; the balance row lock
-- serializes every writer of one organization, so ledger_seq order is the order the balance moved in, and
-- check_credit_invariants() can verify each balance_after as a running sum.
ALTER TABLE public.credit_transactions
    ADD COLUMN ledger_seq BIGINT GENERATED ALWAYS AS IDENTITY;

CREATE UNIQUE INDEX idx_credit_transactions_org_seq
    ON public.credit_transactions (organization_id, ledger_seq);

COMMENT ON COLUMN public.credit_transactions.ledger_seq IS
  'Order in which the organization''s balance moved (assigned under the balance row lock).';
