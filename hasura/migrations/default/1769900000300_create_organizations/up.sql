CREATE TABLE public.organizations (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    stripe_customer_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT organizations_slug_key UNIQUE (slug),
    CONSTRAINT organizations_stripe_customer_id_key UNIQUE (stripe_customer_id),
    CONSTRAINT chk_organizations_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT chk_organizations_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

SELECT public.add_updated_at_trigger('organizations', 'public');

COMMENT ON TABLE public.organizations IS
  'Tenants. Every credit, plan and member row belongs to one organization.';
COMMENT ON COLUMN public.organizations.slug IS
  'URL-safe unique handle: lowercase letters and digits in dash-separated groups.';
COMMENT ON COLUMN public.organizations.stripe_customer_id IS
  'Stripe customer (cus_...) used for top-up checkouts; NULL until the first checkout creates it.';
