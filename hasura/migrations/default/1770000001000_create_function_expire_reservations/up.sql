-- Gives back the holds of pending reservations past expires_at, at most p_batch per call (call again while
-- it returns p_batch). Balance rows are locked before their reservations, the order every credit function
-- uses, and with SKIP LOCKED: an organization busy in another transaction is left for the next call.
CREATE FUNCTION public.expire_reservations(p_now timestamptz DEFAULT now(), p_batch integer DEFAULT 500)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_orgs text[];
    v_locked text[];
    v_count integer;
BEGIN
    IF p_now IS NULL THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'now is required');
    END IF;
    IF p_batch IS NULL OR p_batch < 1 OR p_batch > 10000 THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'batch must be between 1 and 10000');
    END IF;

    SELECT array_agg(DISTINCT organization_id) INTO v_orgs
    FROM (SELECT organization_id FROM public.credit_reservations
          WHERE status = 'pending' AND expires_at <= p_now
          ORDER BY expires_at LIMIT p_batch) due;
    IF v_orgs IS NULL THEN
        RETURN 0;
    END IF;

    SELECT array_agg(organization_id) INTO v_locked
    FROM (SELECT organization_id FROM public.organization_credit_balances
          WHERE organization_id = ANY (v_orgs)
          ORDER BY organization_id
          FOR UPDATE SKIP LOCKED) locked;
    IF v_locked IS NULL THEN
        RETURN 0;
    END IF;

    WITH expired AS (
        UPDATE public.credit_reservations r
        SET status = 'expired', expired_at = p_now
        WHERE r.id IN (SELECT id FROM public.credit_reservations
                       WHERE organization_id = ANY (v_locked) AND status = 'pending' AND expires_at <= p_now
                       ORDER BY expires_at LIMIT p_batch)
        RETURNING r.organization_id, r.reserved_credits
    ), per_org AS (
        SELECT organization_id, sum(reserved_credits) AS credits, count(*) AS n
        FROM expired GROUP BY organization_id
    ), released AS (
        UPDATE public.organization_credit_balances b
        SET reserved_credits = b.reserved_credits - per_org.credits
        FROM per_org
        WHERE b.organization_id = per_org.organization_id
        RETURNING per_org.n
    )
    SELECT coalesce(sum(n), 0) INTO v_count FROM released;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION public.expire_reservations(timestamptz, integer) IS
  'Expires up to p_batch pending reservations past their deadline, giving back their holds; returns how many.';
