-- Catalog data the system needs (not demo data). Ids are fixed so code, tests and seeds can name them.
INSERT INTO public.plans (id, unique_name, name, description, monthly_ai_credits, price_usd_cents, display_order) VALUES
    ('plan_free', 'free', 'Free', 'Try the AI features: smart questions at fast quality', 10, 0, 1),
    ('plan_pro', 'pro', 'Pro', 'Every AI feature at fast and enhanced quality', 500, 2900, 2),
    ('plan_team', 'team', 'Team', 'Every AI feature at every quality level, no rate limits', 2000, 9900, 3);
