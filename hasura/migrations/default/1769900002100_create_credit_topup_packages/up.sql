CREATE TABLE public.credit_topup_packages (
    id TEXT NOT NULL DEFAULT public.generate_nanoid_12(),
    unique_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    credits INT NOT NULL,
    price_usd_cents INT NOT NULL,
    price_per_credit DECIMAL(10,4) GENERATED ALWAYS AS (price_usd_cents::DECIMAL / 100 / credits) STORED,
    is_active BOOLEAN NOT NULL DEFAULT true,
    display_order INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id),
    CONSTRAINT chk_credit_topup_packages_credits_positive CHECK (credits > 0),
    CONSTRAINT chk_credit_topup_packages_price_positive CHECK (price_usd_cents > 0)
);

CREATE INDEX idx_credit_topup_packages_active_order
    ON public.credit_topup_packages (display_order)
    WHERE is_active = true;

COMMENT ON TABLE public.credit_topup_packages IS
  'Purchasable credit bundles. Credits are added to bonus_credits on purchase.';
COMMENT ON COLUMN public.credit_topup_packages.price_usd_cents IS 'Price charged through Stripe, in US cents.';
COMMENT ON COLUMN public.credit_topup_packages.price_per_credit IS 'Generated: USD per credit, for showing the value of each pack.';
