-- Recomputes the maintained counters from their sources and returns one row per drift (none = consistent):
--   used_this_period   must be monthly + bonus - (sum of the ledger)   (invariant 1 solved for used)
--   reserved_credits   must be the sum of the pending reservations      (invariant 2)
--   ledger_balance     the last ledger row's balance_after must be the sum of the ledger
-- It reads the whole ledger of each organization: an operator's tool, not a request path.
CREATE FUNCTION public.reconcile_credit_balances(p_organization_id text DEFAULT NULL)
RETURNS TABLE (organization_id text, item text, stored numeric, expected numeric, drift numeric)
LANGUAGE sql
STABLE
AS $$
    WITH ledger AS (
        SELECT t.organization_id, sum(t.credits_amount) AS total,
               (array_agg(t.balance_after ORDER BY t.ledger_seq DESC))[1] AS last_balance_after
        FROM public.credit_transactions t
        WHERE p_organization_id IS NULL OR t.organization_id = p_organization_id
        GROUP BY t.organization_id
    ), pending AS (
        SELECT r.organization_id, sum(r.reserved_credits) AS total
        FROM public.credit_reservations r
        WHERE r.status = 'pending' AND (p_organization_id IS NULL OR r.organization_id = p_organization_id)
        GROUP BY r.organization_id
    ), checks AS (
        SELECT b.organization_id, 'used_this_period' AS item, b.used_this_period AS stored,
               b.monthly_credits + b.bonus_credits - coalesce(l.total, 0) AS expected
        FROM public.organization_credit_balances b LEFT JOIN ledger l USING (organization_id)
        WHERE p_organization_id IS NULL OR b.organization_id = p_organization_id
        UNION ALL
        SELECT b.organization_id, 'reserved_credits', b.reserved_credits, coalesce(p.total, 0)
        FROM public.organization_credit_balances b LEFT JOIN pending p USING (organization_id)
        WHERE p_organization_id IS NULL OR b.organization_id = p_organization_id
        UNION ALL
        SELECT l.organization_id, 'ledger_balance', l.last_balance_after, l.total
        FROM ledger l
    )
    SELECT c.organization_id, c.item, c.stored, c.expected, c.stored - c.expected
    FROM checks c
    WHERE c.stored IS DISTINCT FROM c.expected
    ORDER BY c.organization_id, c.item
$$;

COMMENT ON FUNCTION public.reconcile_credit_balances(text) IS
  'Recomputes used_this_period, reserved_credits and the ledger sum; one row per drift.';

-- Every invariant of design.md section 4 that the stored state can prove; one row per violation.
--   1 ledger_sum            sum(ledger) = monthly + bonus - used
--   2 reserved_sum          reserved_credits = sum of pending holds
--     non_negative          counters never below zero
--     balance_after         each ledger row's balance_after is the running sum (in ledger_seq order)
--   4 reservation_ended_once  a settled reservation with a cost has exactly one ai_consumption row of that
--                           cost; other reservations (and zero-cost settles) have none
--   5 idempotency_unique    no (organization, key) twice among reservations, no key twice in the ledger
--   6 ledger_immutable      the triggers refusing UPDATE/DELETE/TRUNCATE on the ledger are in place
--   7 purchase_granted_once a fulfilled or refunded purchase points at one topup_purchase row of its
--                           organization for its credits
--     period_in_step        the balance period equals the current organization_plans period
-- Invariant 3 (a reservation succeeds only if spendable >= amount) is a property of the reserve statement,
-- not of stored state; the tests check it at every reservation.
CREATE FUNCTION public.check_credit_invariants(p_organization_id text DEFAULT NULL)
RETURNS TABLE (organization_id text, invariant text, detail text)
LANGUAGE sql
STABLE
AS $$
    SELECT b.organization_id, 'ledger_sum',
           format('ledger sums to %s, monthly + bonus - used is %s', coalesce(l.total, 0),
                  b.monthly_credits + b.bonus_credits - b.used_this_period)
    FROM public.organization_credit_balances b
    LEFT JOIN (SELECT t.organization_id, sum(t.credits_amount) AS total FROM public.credit_transactions t
               GROUP BY t.organization_id) l USING (organization_id)
    WHERE (p_organization_id IS NULL OR b.organization_id = p_organization_id)
      AND coalesce(l.total, 0) <> b.monthly_credits + b.bonus_credits - b.used_this_period
    UNION ALL
    SELECT r.organization_id, 'reserved_sum', format('reserved_credits %s, pending holds %s', r.stored, r.expected)
    FROM public.reconcile_credit_balances(p_organization_id) r WHERE r.item = 'reserved_credits'
    UNION ALL
    SELECT b.organization_id, 'non_negative', format('monthly %s, bonus %s, reserved %s, used %s, overdraft %s',
           b.monthly_credits, b.bonus_credits, b.reserved_credits, b.used_this_period, b.overdraft_limit)
    FROM public.organization_credit_balances b
    WHERE (p_organization_id IS NULL OR b.organization_id = p_organization_id)
      AND least(b.monthly_credits, b.bonus_credits, b.reserved_credits, b.used_this_period, b.overdraft_limit) < 0
    UNION ALL
    SELECT s.organization_id, 'balance_after', format('ledger row %s has balance_after %s, running sum %s',
           s.id, s.balance_after, s.running)
    FROM (SELECT t.organization_id, t.id, t.balance_after,
                 sum(t.credits_amount) OVER (PARTITION BY t.organization_id ORDER BY t.ledger_seq) AS running
          FROM public.credit_transactions t
          WHERE p_organization_id IS NULL OR t.organization_id = p_organization_id) s
    WHERE s.balance_after <> s.running
    UNION ALL
    SELECT r.organization_id, 'reservation_ended_once',
           format('reservation %s is %s (settled %s) with %s consumption rows totalling %s',
                  r.id, r.status, r.settled_credits, coalesce(c.n, 0), coalesce(c.total, 0))
    FROM public.credit_reservations r
    LEFT JOIN (SELECT t.reservation_id, count(*) AS n, -sum(t.credits_amount) AS total
               FROM public.credit_transactions t
               WHERE t.reservation_id IS NOT NULL GROUP BY t.reservation_id) c ON c.reservation_id = r.id
    WHERE (p_organization_id IS NULL OR r.organization_id = p_organization_id)
      AND CASE WHEN r.status = 'settled' AND r.settled_credits > 0
               THEN coalesce(c.n, 0) <> 1 OR c.total <> r.settled_credits
               ELSE coalesce(c.n, 0) <> 0 END
    UNION ALL
    SELECT d.organization_id, 'idempotency_unique', format('key %s used %s times', d.key, d.n)
    FROM (SELECT r.organization_id, r.idempotency_key AS key, count(*) AS n FROM public.credit_reservations r
          WHERE p_organization_id IS NULL OR r.organization_id = p_organization_id
          GROUP BY 1, 2 HAVING count(*) > 1
          UNION ALL
          SELECT min(t.organization_id), t.idempotency_key, count(*) FROM public.credit_transactions t
          WHERE p_organization_id IS NULL OR t.organization_id = p_organization_id
          GROUP BY t.idempotency_key HAVING count(*) > 1) d
    UNION ALL
    SELECT NULL, 'ledger_immutable', format('trigger %s is missing on credit_transactions', want.name)
    FROM (VALUES ('credit_transactions_refuse_update_delete'), ('credit_transactions_refuse_truncate')) want(name)
    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg
                      WHERE tg.tgrelid = 'public.credit_transactions'::regclass AND tg.tgname = want.name
                        AND tg.tgenabled <> 'D')
    UNION ALL
    SELECT p.organization_id, 'purchase_granted_once',
           format('purchase %s (%s, %s credits) has transaction %s', p.id, p.status, p.credits, p.transaction_id)
    FROM public.credit_purchases p
    LEFT JOIN public.credit_transactions t ON t.id = p.transaction_id
    WHERE (p_organization_id IS NULL OR p.organization_id = p_organization_id)
      AND p.status IN ('fulfilled', 'refunded')
      AND (t.id IS NULL OR t.transaction_type <> 'topup_purchase' OR t.organization_id <> p.organization_id
           OR t.credits_amount <> p.credits)
    UNION ALL
    SELECT b.organization_id, 'period_in_step',
           format('balance period %s..%s, plan period %s..%s', b.period_start, b.period_end,
                  op.current_period_start, op.current_period_end)
    FROM public.organization_credit_balances b
    JOIN public.organization_plans op ON op.organization_id = b.organization_id AND op.status <> 'canceled'
    WHERE (p_organization_id IS NULL OR b.organization_id = p_organization_id)
      AND (b.period_start, b.period_end) IS DISTINCT FROM (op.current_period_start, op.current_period_end)
$$;

COMMENT ON FUNCTION public.check_credit_invariants(text) IS
  'Checks the credit invariants of design.md section 4; one row per violation, none when all hold.';
