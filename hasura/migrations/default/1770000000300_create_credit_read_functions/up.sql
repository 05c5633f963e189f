-- The original plan's read functions, same names and meaning, but O(1): they read the maintained counters
-- of the balance row and never scan the ledger (design.md section 8). Unknown organization -> 0, as before.
CREATE FUNCTION public.get_used_this_period(org_id text)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce((SELECT b.used_this_period
                     FROM public.organization_credit_balances b
                     WHERE b.organization_id = org_id), 0)
$$;

CREATE FUNCTION public.get_available_credits(org_id text)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce((SELECT b.monthly_credits + b.bonus_credits - b.reserved_credits - b.used_this_period
                     FROM public.organization_credit_balances b
                     WHERE b.organization_id = org_id), 0)
$$;

CREATE FUNCTION public.get_spendable_credits(org_id text)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce((SELECT b.monthly_credits + b.bonus_credits - b.reserved_credits - b.used_this_period
                            + b.overdraft_limit
                     FROM public.organization_credit_balances b
                     WHERE b.organization_id = org_id), 0)
$$;

COMMENT ON FUNCTION public.get_used_this_period(text) IS
  'Credits consumed in the current period, including debt carried in (the maintained counter).';
COMMENT ON FUNCTION public.get_available_credits(text) IS
  'monthly_credits + bonus_credits - reserved_credits - used_this_period.';
COMMENT ON FUNCTION public.get_spendable_credits(text) IS
  'get_available_credits + overdraft_limit: the most a reservation may take.';

-- Hasura computed fields on organization_credit_balances (the row type is the table argument).
CREATE FUNCTION public.organization_credit_balances_available(balance public.organization_credit_balances)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT balance.monthly_credits + balance.bonus_credits - balance.reserved_credits - balance.used_this_period
$$;

CREATE FUNCTION public.organization_credit_balances_spendable(balance public.organization_credit_balances)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT balance.monthly_credits + balance.bonus_credits - balance.reserved_credits - balance.used_this_period
           + balance.overdraft_limit
$$;

CREATE FUNCTION public.organization_credit_balances_monthly_remaining(balance public.organization_credit_balances)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT greatest(balance.monthly_credits - balance.used_this_period, 0)
$$;

COMMENT ON FUNCTION public.organization_credit_balances_available(public.organization_credit_balances) IS
  'Computed field: monthly + bonus - reserved - used.';
COMMENT ON FUNCTION public.organization_credit_balances_spendable(public.organization_credit_balances) IS
  'Computed field: available + overdraft_limit.';
COMMENT ON FUNCTION public.organization_credit_balances_monthly_remaining(public.organization_credit_balances) IS
  'Computed field: monthly credits not yet consumed this period (consumption draws on monthly credits first).';

-- Threshold under which the balance counts as low: the organization's own, else 20% of monthly credits.
CREATE FUNCTION public.credits_low_balance_threshold(balance public.organization_credit_balances)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce(balance.low_balance_threshold, round(balance.monthly_credits * 0.2, 2))
$$;

-- The balance breakdown every credit function answers with (keys listed in docs/credit-core.md).
CREATE FUNCTION public.credits_balance_json(balance public.organization_credit_balances)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT jsonb_build_object(
        'available', public.organization_credit_balances_available(balance),
        'spendable', public.organization_credit_balances_spendable(balance),
        'monthly_credits', balance.monthly_credits,
        'monthly_remaining', public.organization_credit_balances_monthly_remaining(balance),
        'bonus', balance.bonus_credits,
        'reserved', balance.reserved_credits,
        'used_this_period', balance.used_this_period,
        'overdraft_limit', balance.overdraft_limit,
        'low_balance_threshold', public.credits_low_balance_threshold(balance),
        'period_start', balance.period_start,
        'period_end', balance.period_end)
$$;
