DROP TABLE public.plan_ai_capabilities;
