DELETE FROM public.llm_models
WHERE id IN ('llm_gpt_4o_mini', 'llm_gpt_4o', 'llm_gemini_2_0_flash', 'llm_gemini_2_5_flash',
             'llm_gemini_2_5_pro', 'llm_claude_3_5_haiku', 'llm_claude_sonnet_4');
