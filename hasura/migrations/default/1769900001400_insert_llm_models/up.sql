-- Prices are the providers' published list prices (USD per 1M tokens) when the catalog was written.
INSERT INTO public.llm_models (id, unique_name, provider, model_id, display_name, quality_tier, input_cost_per_million, output_cost_per_million, context_window, display_order) VALUES
    ('llm_gpt_4o_mini', 'openai/gpt-4o-mini', 'openai', 'gpt-4o-mini', 'GPT-4o Mini', 'fast', 0.15, 0.60, 128000, 1),
    ('llm_gpt_4o', 'openai/gpt-4o', 'openai', 'gpt-4o', 'GPT-4o', 'balanced', 2.50, 10.00, 128000, 2),
    ('llm_gemini_2_0_flash', 'google/gemini-2.0-flash', 'google', 'gemini-2.0-flash', 'Gemini 2.0 Flash', 'fast', 0.10, 0.40, 1048576, 3),
    ('llm_gemini_2_5_flash', 'google/gemini-2.5-flash', 'google', 'gemini-2.5-flash', 'Gemini 2.5 Flash', 'balanced', 0.30, 2.50, 1048576, 4),
    ('llm_gemini_2_5_pro', 'google/gemini-2.5-pro', 'google', 'gemini-2.5-pro', 'Gemini 2.5 Pro', 'powerful', 1.25, 10.00, 1048576, 5),
    ('llm_claude_3_5_haiku', 'anthropic/claude-3-5-haiku-latest', 'anthropic', 'claude-3-5-haiku-latest', 'Claude 3.5 Haiku', 'fast', 0.80, 4.00, 200000, 6),
    ('llm_claude_sonnet_4', 'anthropic/claude-sonnet-4-20250514', 'anthropic', 'claude-sonnet-4-20250514', 'Claude Sonnet 4', 'balanced', 3.00, 15.00, 200000, 7);
