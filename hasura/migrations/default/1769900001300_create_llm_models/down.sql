DROP TABLE public.llm_models;
