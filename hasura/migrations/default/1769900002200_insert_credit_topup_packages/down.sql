DELETE FROM public.credit_topup_packages WHERE id IN ('pkg_starter', 'pkg_popular', 'pkg_power');
