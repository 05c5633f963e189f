-- Demo tenants for development and tests. Catalog data (plans, capabilities, models, packages) comes from the
-- migrations; this file adds only tenants. Idempotent: fixed ids and ON CONFLICT DO NOTHING, so applying it
-- again changes nothing. The welcome bonus comes with provisioning (plans.welcome_bonus_credits), once.
--
--   organization   slug          plan   monthly  welcome bonus
--   org_free_one   free-one      free        10             10
--   org_free_two   free-two      free        10             10
--   org_pro        pro-co        pro        500             25
--   org_team       team-co       team      2000             50
--
-- Users: four per organization, one per role, id usr_<org>_<role> and email <role>@<slug>.example.com,
-- e.g. usr_pro_org_admin / org_admin@pro-co.example.com. One more user, usr_consultant
-- (consultant@example.com), is a member of org_pro and a viewer of org_team, for cross-organization tests.
-- Each organization's billing period is the current calendar month (UTC) at the time of the first apply.

INSERT INTO public.organizations (id, name, slug) VALUES
    ('org_free_one', 'Free One Studio', 'free-one'),
    ('org_free_two', 'Free Two Studio', 'free-two'),
    ('org_pro', 'Pro Company', 'pro-co'),
    ('org_team', 'Team Corporation', 'team-co')
ON CONFLICT DO NOTHING;

INSERT INTO public.users (id, email, name)
SELECT 'usr_' || substr(o.id, 5) || '_' || r.role,
       r.role || '@' || o.slug || '.example.com',
       initcap(replace(r.role, '_', ' ')) || ' of ' || o.name
FROM public.organizations o
CROSS JOIN (VALUES ('owner'), ('org_admin'), ('member'), ('viewer')) AS r(role)
WHERE o.id IN ('org_free_one', 'org_free_two', 'org_pro', 'org_team')
ON CONFLICT DO NOTHING;

INSERT INTO public.users (id, email, name) VALUES
    ('usr_consultant', 'consultant@example.com', 'Consultant in two organizations')
ON CONFLICT DO NOTHING;

INSERT INTO public.organization_members (id, organization_id, user_id, role)
SELECT 'mem_' || substr(o.id, 5) || '_' || r.role, o.id, 'usr_' || substr(o.id, 5) || '_' || r.role, r.role
FROM public.organizations o
CROSS JOIN (VALUES ('owner'), ('org_admin'), ('member'), ('viewer')) AS r(role)
WHERE o.id IN ('org_free_one', 'org_free_two', 'org_pro', 'org_team')
ON CONFLICT DO NOTHING;

INSERT INTO public.organization_members (id, organization_id, user_id, role) VALUES
    ('mem_pro_consultant', 'org_pro', 'usr_consultant', 'member'),
    ('mem_team_consultant', 'org_team', 'usr_consultant', 'viewer')
ON CONFLICT DO NOTHING;

-- Inserting the plan provisions the balance row, the first plan_allocation and the plan's welcome bonus
-- (trigger on organization_plans).
INSERT INTO public.organization_plans (id, organization_id, plan_id, status, current_period_start, current_period_end)
SELECT 'op_' || substr(p.organization_id, 5), p.organization_id, p.plan_id, 'active',
       date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       (date_trunc('month', now() AT TIME ZONE 'UTC') + INTERVAL '1 month') AT TIME ZONE 'UTC'
FROM (VALUES ('org_free_one', 'plan_free'), ('org_free_two', 'plan_free'),
             ('org_pro', 'plan_pro'), ('org_team', 'plan_team')) AS p(organization_id, plan_id)
ON CONFLICT DO NOTHING;
