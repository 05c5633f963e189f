-- Per-organization settings owners and org_admins may change (notification webhook, auto top-up).
CREATE TABLE public.organization_credit_settings (
    organization_id TEXT NOT NULL,
    notification_webhook_url TEXT,
    notification_webhook_secret TEXT,
    auto_topup_enabled BOOLEAN NOT NULL DEFAULT false,
    auto_topup_package_id TEXT,
    auto_topup_threshold NUMERIC(12,2),
    auto_topup_monthly_cap INT,
    auto_topup_consecutive_failures INT NOT NULL DEFAULT 0,
    stripe_payment_method_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (organization_id),

    CONSTRAINT chk_org_credit_settings_webhook_url
        CHECK (notification_webhook_url IS NULL OR notification_webhook_url ~ '^https?://[^\s]+$'),
    CONSTRAINT chk_org_credit_settings_webhook_secret
        CHECK (notification_webhook_url IS NULL OR notification_webhook_secret IS NOT NULL),
    CONSTRAINT chk_org_credit_settings_auto_topup_complete
        CHECK (NOT auto_topup_enabled
               OR (auto_topup_package_id IS NOT NULL AND auto_topup_threshold IS NOT NULL
                   AND auto_topup_monthly_cap IS NOT NULL)),
    CONSTRAINT chk_org_credit_settings_auto_topup_threshold
        CHECK (auto_topup_threshold IS NULL OR auto_topup_threshold >= 0),
    CONSTRAINT chk_org_credit_settings_auto_topup_monthly_cap
        CHECK (auto_topup_monthly_cap IS NULL OR auto_topup_monthly_cap >= 0),
    CONSTRAINT chk_org_credit_settings_failures CHECK (auto_topup_consecutive_failures >= 0)
);

ALTER TABLE public.organization_credit_settings
    ADD CONSTRAINT fk_org_credit_settings_organization_id
    FOREIGN KEY (organization_id) REFERENCES public.organizations(id)
    ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE public.organization_credit_settings
    ADD CONSTRAINT fk_org_credit_settings_auto_topup_package_id
    FOREIGN KEY (auto_topup_package_id) REFERENCES public.credit_topup_packages(id)
    ON DELETE RESTRICT ON UPDATE CASCADE;

SELECT public.add_updated_at_trigger('organization_credit_settings', 'public');

COMMENT ON TABLE public.organization_credit_settings IS
  'Notification webhook and auto top-up settings of an organization; no row means defaults (nothing configured).';
COMMENT ON COLUMN public.organization_credit_settings.notification_webhook_url IS
  'Where credit notifications are POSTed as signed JSON; NULL means notices are recorded but not sent.';
COMMENT ON COLUMN public.organization_credit_settings.notification_webhook_secret IS
  'HMAC-SHA256 key that signs notification deliveries; required with a URL.';
COMMENT ON COLUMN public.organization_credit_settings.auto_topup_threshold IS
  'Available credits at or below which one auto top-up is bought.';
COMMENT ON COLUMN public.organization_credit_settings.auto_topup_monthly_cap IS
  'Most auto top-up spending per billing period, in US cents.';
COMMENT ON COLUMN public.organization_credit_settings.auto_topup_consecutive_failures IS
  'Failed auto top-ups in a row; auto top-up disables itself at 3.';
COMMENT ON COLUMN public.organization_credit_settings.stripe_payment_method_id IS
  'The payment method saved by a checkout (setup_future_usage), charged off-session by auto top-up.';
