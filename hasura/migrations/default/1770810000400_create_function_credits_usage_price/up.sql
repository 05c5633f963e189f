-- The price of token usage, exactly: cost_usd = (input × input price + output × output price) / 1e6 (prices
-- per million tokens with 4 decimals, so the cost is exact with 10 decimals); credits = cost_usd ×
-- credits_per_usd rounded UP to the next 0.01 (a call that used tokens never costs 0; 0 tokens cost 0).
CREATE FUNCTION public.credits_usage_price(
    p_input_tokens bigint,
    p_output_tokens bigint,
    p_input_cost_per_million numeric,
    p_output_cost_per_million numeric,
    p_credits_per_usd numeric,
    OUT cost_usd numeric,
    OUT credits numeric)
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT c.cost, ceil(c.cost * p_credits_per_usd * 100) / 100
    FROM (SELECT ((p_input_tokens * p_input_cost_per_million + p_output_tokens * p_output_cost_per_million)
                  * 0.000001)::numeric(24,10) AS cost) AS c
$$;

COMMENT ON FUNCTION public.credits_usage_price(bigint, bigint, numeric, numeric, numeric) IS
  'Provider cost in USD of token usage and its price in credits (rounded up to 0.01).';
