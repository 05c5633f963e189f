CREATE TABLE public.users (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    email TEXT NOT NULL,
    name TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email),
    -- Stored lowercased so the unique constraint also catches case variants of one address.
    CONSTRAINT chk_users_email_format CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+$')
);

SELECT public.add_updated_at_trigger('users', 'public');

COMMENT ON TABLE public.users IS
  'People who sign in (the JWT subject, X-Hasura-User-Id). Membership in organizations is organization_members.';
COMMENT ON COLUMN public.users.email IS 'Lowercased sign-in address, unique.';
