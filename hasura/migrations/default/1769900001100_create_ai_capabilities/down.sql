DROP TABLE public.ai_capabilities;
