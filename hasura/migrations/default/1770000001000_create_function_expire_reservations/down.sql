DROP FUNCTION public.expire_reservations(timestamptz, integer);
