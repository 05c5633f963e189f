-- get_used_this_period / get_available_credits / get_spendable_credits take an organization id and return a
-- number, which Hasura cannot track as a root field; these row wrappers expose them as computed fields of
-- organizations (credits_used_this_period, credits_available, credits_spendable), under the organizations
-- table's own permissions, so GraphQL reads the very functions SQL callers use.
CREATE FUNCTION public.organizations_credits_used_this_period(organization public.organizations)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$ SELECT public.get_used_this_period(organization.id) $$;

CREATE FUNCTION public.organizations_credits_available(organization public.organizations)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$ SELECT public.get_available_credits(organization.id) $$;

CREATE FUNCTION public.organizations_credits_spendable(organization public.organizations)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$ SELECT public.get_spendable_credits(organization.id) $$;

COMMENT ON FUNCTION public.organizations_credits_used_this_period(public.organizations) IS
  'get_used_this_period(id): credits consumed this period, debt carried in included.';
COMMENT ON FUNCTION public.organizations_credits_available(public.organizations) IS
  'get_available_credits(id): monthly + bonus - reserved - used this period.';
COMMENT ON FUNCTION public.organizations_credits_spendable(public.organizations) IS
  'get_spendable_credits(id): available + overdraft limit, the most a reservation may take.';
