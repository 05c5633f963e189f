"""Billing configuration, read from the environment at call time (CREDITS_* variables, docs/billing.md).

The generic handler signatures (action context, event/cron payloads) carry no settings, so billing code reads
its own small settings class; the names are the same CREDITS_STRIPE_* variables as actions.settings.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class BillingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDITS_", extra="ignore")

    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Only for tests and stripe-mock style fakes; production talks to https://api.stripe.com.
    stripe_api_base: str | None = None
    # Seconds a Stripe-Signature timestamp may be old (Stripe's own default is 300).
    stripe_webhook_tolerance: int = Field(default=300, ge=1)
    # Seconds to wait for an organization's notification receiver before counting a failed attempt.
    notification_timeout: float = Field(default=10.0, gt=0)
    # Retry-After (seconds) sent to Hasura when a notification receiver failed.
    notification_retry_after: int = Field(default=60, ge=1)
    # Organizations choose their webhook URL; by default it may not point into private, loopback or link-local
    # networks (the service's own neighbourhood). Tests and single-host set-ups turn this on.
    notification_allow_private_targets: bool = False


def billing_settings() -> BillingSettings:
    return BillingSettings()
