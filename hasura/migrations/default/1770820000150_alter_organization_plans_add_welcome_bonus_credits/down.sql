ALTER TABLE public.organization_plans DROP COLUMN welcome_bonus_credits;
