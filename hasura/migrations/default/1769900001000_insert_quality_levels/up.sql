INSERT INTO public.quality_levels (id, unique_name, name, description, display_order, credit_multiplier) VALUES
    ('ql_fast', 'fast', 'Fast', 'Quick responses using efficient models', 1, 1.0),
    ('ql_enhanced', 'enhanced', 'Enhanced', 'Better quality with smarter models', 2, 1.5),
    ('ql_premium', 'premium', 'Premium', 'Best quality using most capable models', 3, 3.0);
