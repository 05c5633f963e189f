DROP TABLE public.organization_members;
