DROP TABLE public.organization_plans;
DROP FUNCTION public.organization_plans_default_monthly_ai_credits();
