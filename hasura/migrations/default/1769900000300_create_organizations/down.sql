DROP TABLE public.organizations;
