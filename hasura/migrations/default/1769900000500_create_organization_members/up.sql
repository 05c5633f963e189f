CREATE TABLE public.organization_members (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    organization_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT organization_members_pkey PRIMARY KEY (id),
    CONSTRAINT uq_organization_members_org_user UNIQUE (organization_id, user_id),
    CONSTRAINT chk_organization_members_role CHECK (role IN ('owner', 'org_admin', 'member', 'viewer')),
    CONSTRAINT fk_organization_members_organization_id
        FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT fk_organization_members_user_id
        FOREIGN KEY (user_id) REFERENCES public.users(id)
        ON DELETE CASCADE ON UPDATE CASCADE
);

-- (organization_id, user_id) is covered by the unique constraint; this serves "my organizations".
CREATE INDEX idx_organization_members_user_id ON public.organization_members (user_id);

SELECT public.add_updated_at_trigger('organization_members', 'public');

COMMENT ON TABLE public.organization_members IS
  'Who belongs to which organization and with which role; the role becomes the Hasura role of their session.';
COMMENT ON COLUMN public.organization_members.role IS
  'owner | org_admin | member | viewer (design.md section 6).';
