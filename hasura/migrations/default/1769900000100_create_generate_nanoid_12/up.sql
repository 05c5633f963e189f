-- 12-character URL-safe ids for text primary keys (the original plan's generate_nanoid_12()).
-- The random bits come from gen_random_uuid() (core since PostgreSQL 13), so no extension is needed:
-- twelve of its bytes carry at least six random low bits each, one alphabet character per byte (72 bits).
CREATE FUNCTION public.generate_nanoid_12()
RETURNS text
LANGUAGE sql
VOLATILE
PARALLEL SAFE
AS $$
    SELECT string_agg(
               substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-',
                      (get_byte(u.bytes, i) & 63) + 1, 1),
               '' ORDER BY i)
    FROM (SELECT uuid_send(gen_random_uuid()) AS bytes) AS u,
         unnest(ARRAY[0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]) AS i
$$;

COMMENT ON FUNCTION public.generate_nanoid_12() IS
  'A random 12-character id over [0-9A-Za-z_-] (72 random bits), the default of text primary keys.';
