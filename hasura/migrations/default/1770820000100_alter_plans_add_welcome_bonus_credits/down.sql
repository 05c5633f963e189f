ALTER TABLE public.plans DROP COLUMN welcome_bonus_credits;
