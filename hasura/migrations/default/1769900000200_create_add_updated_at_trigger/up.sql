-- updated_at maintenance, as the original plan uses it: SELECT add_updated_at_trigger('table', 'schema').
CREATE FUNCTION public.set_current_timestamp_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION public.set_current_timestamp_updated_at() IS
  'BEFORE UPDATE trigger function: stamps updated_at with the transaction time.';

CREATE FUNCTION public.add_updated_at_trigger(table_name text, schema_name text DEFAULT 'public')
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- Named the way the Hasura console names it, so either tool recognizes the trigger.
    EXECUTE format(
        'CREATE TRIGGER %I BEFORE UPDATE ON %I.%I FOR EACH ROW EXECUTE FUNCTION public.set_current_timestamp_updated_at()',
        'set_' || schema_name || '_' || table_name || '_updated_at', schema_name, table_name);
END
$$;

COMMENT ON FUNCTION public.add_updated_at_trigger(text, text) IS
  'Adds the BEFORE UPDATE trigger set_<schema>_<table>_updated_at that keeps <table>.updated_at current.';
