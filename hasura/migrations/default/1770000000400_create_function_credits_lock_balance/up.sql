-- Every credit write starts here. Taking the organization's balance row lock first, always, gives one lock
-- order (balance row, then its reservations, then its organization_plans row), so writers of one
-- organization queue up instead of deadlocking, and each statement after the lock sees every earlier
-- writer's committed rows (READ COMMITTED takes a fresh snapshot per statement).
CREATE FUNCTION public.credits_lock_balance(p_organization_id text)
RETURNS public.organization_credit_balances
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance public.organization_credit_balances;
BEGIN
    PERFORM public.credits_check_text(p_organization_id, 'organization id');
    SELECT * INTO v_balance
    FROM public.organization_credit_balances
    WHERE organization_id = p_organization_id
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM public.credits_raise_missing_balance(p_organization_id);
    END IF;
    RETURN v_balance;
END
$$;

-- An organization without a balance row never had an active plan; one that does not exist is unknown.
CREATE FUNCTION public.credits_raise_missing_balance(p_organization_id text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.organizations WHERE id = p_organization_id) THEN
        PERFORM public.credits_raise('NO_ACTIVE_PLAN',
            format('organization %s has no credit balance: it has never had an active plan', p_organization_id));
    END IF;
    PERFORM public.credits_raise('ORGANIZATION_NOT_FOUND', format('organization %s not found', p_organization_id));
END
$$;

COMMENT ON FUNCTION public.credits_lock_balance(text) IS
  'Locks and returns the organization''s balance row; ORGANIZATION_NOT_FOUND / NO_ACTIVE_PLAN when it has none.';
