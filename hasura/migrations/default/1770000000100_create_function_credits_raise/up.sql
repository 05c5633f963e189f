-- The one way credit functions report an expected failure: SQLSTATE CR001, MESSAGE a human sentence,
-- DETAIL the stable code word the service maps 1:1 (docs/credit-core.md lists every code).
CREATE FUNCTION public.credits_raise(p_code text, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'CR001', MESSAGE = p_message, DETAIL = p_code;
END
$$;

COMMENT ON FUNCTION public.credits_raise(text, text) IS
  'Raises SQLSTATE CR001 with MESSAGE = p_message and DETAIL = p_code (a stable code word).';

-- Amounts are validated, never coerced: NULL, NaN, infinities, more than 2 decimals and absurd sizes are
-- refused before anything is written.
CREATE FUNCTION public.credits_check_amount(
    p_amount numeric, p_what text, p_allow_zero boolean DEFAULT false, p_allow_negative boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
IMMUTABLE
AS $$
BEGIN
    IF p_amount IS NULL THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' is required');
    ELSIF p_amount = 'NaN'::numeric THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' must be a number, not NaN');
    ELSIF abs(p_amount) > 1000000000 THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' must be at most 1000000000 in size');
    ELSIF p_amount <> round(p_amount, 2) THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' must have at most 2 decimals');
    ELSIF p_amount = 0 AND NOT p_allow_zero THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' must not be zero');
    ELSIF p_amount < 0 AND NOT p_allow_negative THEN
        PERFORM public.credits_raise('INVALID_AMOUNT', p_what || ' must not be negative');
    END IF;
END
$$;

COMMENT ON FUNCTION public.credits_check_amount(numeric, text, boolean, boolean) IS
  'Raises INVALID_AMOUNT unless p_amount is a finite number with at most 2 decimals, |x| <= 1e9, and of an allowed sign.';

CREATE FUNCTION public.credits_check_text(p_value text, p_what text, p_max_length integer DEFAULT 255)
RETURNS void
LANGUAGE plpgsql
IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL OR btrim(p_value) = '' THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', p_what || ' is required');
    ELSIF length(p_value) > p_max_length THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT',
            format('%s must be at most %s characters', p_what, p_max_length));
    END IF;
END
$$;

COMMENT ON FUNCTION public.credits_check_text(text, text, integer) IS
  'Raises INVALID_ARGUMENT when a required text argument is NULL, blank or longer than p_max_length.';
