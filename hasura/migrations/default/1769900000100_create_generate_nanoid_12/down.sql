DROP FUNCTION public.generate_nanoid_12();
