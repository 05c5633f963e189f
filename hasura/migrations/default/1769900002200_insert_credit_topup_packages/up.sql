INSERT INTO public.credit_topup_packages (id, unique_name, name, description, credits, price_usd_cents, display_order) VALUES
    ('pkg_starter', 'starter', 'Starter Pack', 'Perfect for trying out AI features', 100, 999, 1),
    ('pkg_popular', 'popular', 'Popular Pack', 'Best value for regular users', 500, 3999, 2),
    ('pkg_power', 'power', 'Power Pack', 'For power users and teams', 2000, 12999, 3);
