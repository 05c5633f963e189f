-- Group commit for one organization's concurrent credit writes (the service's actions/batching.py): the
-- items, in arrival order, each through the very function that runs it alone, in one transaction, so many
-- callers of a busy organization share one balance-row lock, one commit and one WAL flush.
--
-- Each item runs in its own savepoint (the EXCEPTION block): an item that raises is rolled back alone and
-- its error (SQLSTATE, message, detail) is that item's answer; the others stand. Items see the ones before
-- them (replays of a key used earlier in the batch, rate-limit counts, the balance), exactly as if each had
-- committed before the next began. The batch takes the balance lock before the first item, in a block that
-- no item's rollback can undo: a lock first taken inside an item's savepoint would be let go if that item
-- failed, and another transaction could slip in between items.
--
-- p_items: [{"op": "reserve", "capability", "quality_level", "idempotency_key", "amount"?, "ttl_seconds"?}
--           | {"op": "settle", "reservation_id", "actual_credits"?, "provider_request_id"?,
--              "provider_metadata"?, "input_tokens"?, "output_tokens"?, "model"?}]
-- Answer: {"results": [{"ok": <the function's answer>} | {"error": {"sqlstate", "message", "detail"}}]}.
CREATE FUNCTION public.credits_apply_batch(p_organization_id text, p_items jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_item jsonb;
    v_answer jsonb;
    v_results jsonb[] := '{}';
    v_state text;
    v_message text;
    v_detail text;
BEGIN
    IF jsonb_typeof(p_items) IS DISTINCT FROM 'array' THEN
        PERFORM public.credits_raise('INVALID_ARGUMENT', 'items must be a JSON array');
    END IF;
    BEGIN
        PERFORM public.credits_lock_balance(p_organization_id);
    EXCEPTION WHEN others THEN
        -- No balance to lock (unknown organization, no plan) or a bad id: each item reports its own error,
        -- in the order its function checks things.
        NULL;
    END;

    FOR v_item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        BEGIN
            CASE v_item ->> 'op'
            WHEN 'reserve' THEN
                v_answer := public.reserve_credits(
                    p_organization_id => p_organization_id,
                    p_capability => v_item ->> 'capability',
                    p_quality_level => v_item ->> 'quality_level',
                    p_idempotency_key => v_item ->> 'idempotency_key',
                    p_amount => (v_item ->> 'amount')::numeric,
                    p_ttl_seconds => coalesce((v_item ->> 'ttl_seconds')::integer, 300));
            WHEN 'settle' THEN
                v_answer := public.settle_credits(
                    p_organization_id => p_organization_id,
                    p_reservation_id => v_item ->> 'reservation_id',
                    p_actual_credits => (v_item ->> 'actual_credits')::numeric,
                    p_provider_request_id => v_item ->> 'provider_request_id',
                    p_provider_metadata => v_item -> 'provider_metadata',
                    p_input_tokens => (v_item ->> 'input_tokens')::bigint,
                    p_output_tokens => (v_item ->> 'output_tokens')::bigint,
                    p_model => v_item ->> 'model');
            ELSE
                PERFORM public.credits_raise('INVALID_ARGUMENT',
                    format('unknown batch operation %s', coalesce(v_item ->> 'op', 'null')));
            END CASE;
            v_results := v_results || jsonb_build_object('ok', v_answer);
        EXCEPTION WHEN others THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL;
            v_results := v_results || jsonb_build_object(
                'error', jsonb_build_object('sqlstate', v_state, 'message', v_message, 'detail', v_detail));
        END;
    END LOOP;
    RETURN jsonb_build_object('results', to_jsonb(v_results));
END
$$;

COMMENT ON FUNCTION public.credits_apply_batch(text, jsonb) IS
  'Runs one organization''s reserves and settles in one transaction, each in a savepoint; per-item answers.';
