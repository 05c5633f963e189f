CREATE OR REPLACE FUNCTION public.generate_nanoid_12()
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
