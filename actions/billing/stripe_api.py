"""The one place a Stripe client is built: the official SDK, async over httpx."""

from __future__ import annotations

from typing import TYPE_CHECKING

import stripe

from actions.billing.config import BillingSettings
from actions.errors import ActionError

if TYPE_CHECKING:  # the SDK exports the type only from its private module
    from stripe._base_address import BaseAddresses

STRIPE_NOT_CONFIGURED = "STRIPE_NOT_CONFIGURED"
STRIPE_ERROR = "STRIPE_ERROR"


def stripe_client(settings: BillingSettings) -> stripe.StripeClient:
    if settings.stripe_secret_key is None or not settings.stripe_secret_key.get_secret_value():
        raise ActionError(
            STRIPE_NOT_CONFIGURED, "payments are not configured (CREDITS_STRIPE_SECRET_KEY)", status=400
        )
    base: BaseAddresses = {"api": settings.stripe_api_base} if settings.stripe_api_base else {}
    return stripe.StripeClient(
        settings.stripe_secret_key.get_secret_value(),
        base_addresses=base,
        http_client=stripe.HTTPXClient(),
        # Retries reuse the idempotency key, so a lost response never creates a second object.
        max_network_retries=2,
    )
