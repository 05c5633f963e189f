DELETE FROM public.quality_levels WHERE id IN ('ql_fast', 'ql_enhanced', 'ql_premium');
