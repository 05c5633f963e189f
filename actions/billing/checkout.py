"""createTopupCheckout (mutation; owner, org_admin): a pending purchase and a Stripe Checkout Session for it.

The purchase row is written first (priced from the package as it is now), then the organization's Stripe
customer is created on first use, then the Checkout Session, with Stripe idempotency keys derived from the
organization and the purchase so an SDK retry never creates a second customer or session. The credits are
granted later, only by the verified webhook event (stripe_event_handler). If Stripe refuses, the purchase
is marked failed and the caller gets STRIPE_ERROR.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import stripe
from pydantic import Field, field_validator

from actions.action import Action, ActionContext
from actions.billing.config import billing_settings
from actions.billing.stripe_api import STRIPE_ERROR, stripe_client
from actions.calls import call_json
from actions.errors import ActionError
from actions.logs import get_logger
from actions.types import InputModel, OutputModel

log = get_logger("billing.checkout")

MAX_URL = 2048


def _redirect_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(value) > MAX_URL:
        raise ValueError("must be an absolute http(s) URL of at most 2048 characters")
    return value


class CreateTopupCheckoutInput(InputModel):
    package_id: str = Field(min_length=1, max_length=255)
    success_url: str
    cancel_url: str

    _urls = field_validator("success_url", "cancel_url")(_redirect_url)


class TopupCheckout(OutputModel):
    url: str
    purchase_id: str


async def _customer(ctx: ActionContext, client: stripe.StripeClient, purchase: dict[str, object]) -> str:
    existing = purchase.get("stripe_customer_id")
    if isinstance(existing, str) and existing:
        return existing
    org = str(purchase["organization_id"])
    customer = await client.v1.customers.create_async(
        params={"name": str(purchase["organization_name"]), "metadata": {"organization_id": org}},
        options={"idempotency_key": f"customer:{org}"},
    )
    async with ctx.pool.acquire() as conn:
        stored = await conn.fetchval("select public.billing_set_stripe_customer($1, $2)", org, customer.id)
    return str(stored)


async def handle(ctx: ActionContext, args: CreateTopupCheckoutInput) -> TopupCheckout:
    client = stripe_client(billing_settings())  # refuse before writing anything when Stripe is not configured
    assert ctx.organization_id is not None
    purchase = await call_json(
        ctx,
        "select public.billing_create_purchase($1, $2, $3)",
        ctx.organization_id,
        args.package_id,
        ctx.session.user_id,
    )
    purchase_id = str(purchase["purchase_id"])
    metadata = {
        "purchase_id": purchase_id,
        "organization_id": ctx.organization_id,
        "package_id": str(purchase["package_id"]),
    }
    try:
        customer = await _customer(ctx, client, purchase)
        session = await client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": str(purchase["currency"]),
                            "unit_amount": int(str(purchase["amount_cents"])),
                            "product_data": {"name": str(purchase["package_name"])},
                        },
                    }
                ],
                "success_url": args.success_url,
                "cancel_url": args.cancel_url,
                "client_reference_id": purchase_id,
                "customer": customer,
                "metadata": metadata,
                # Saves the card for auto top-up; the metadata lets payment_intent events find the purchase.
                "payment_intent_data": {
                    "setup_future_usage": "off_session",
                    "metadata": {**metadata, "source": "checkout"},
                },
            },
            options={"idempotency_key": f"checkout:{purchase_id}"},
        )
    except stripe.StripeError as exc:
        reason = f"stripe: {exc.user_message or exc.__class__.__name__}"
        async with ctx.pool.acquire() as conn:
            await conn.execute(
                "select public.billing_attach_checkout_session($1, null, $2)", purchase_id, reason
            )
        log.warning("checkout session refused", extra={"purchase_id": purchase_id, "error": str(exc)})
        raise ActionError(
            STRIPE_ERROR,
            "the payment provider could not start the checkout; try again",
            purchase_id=purchase_id,
        ) from None
    async with ctx.pool.acquire() as conn:
        await conn.execute("select public.billing_attach_checkout_session($1, $2)", purchase_id, session.id)
    if not session.url:
        raise ActionError(
            STRIPE_ERROR, "the payment provider returned no checkout URL", purchase_id=purchase_id
        )
    return TopupCheckout(url=session.url, purchase_id=purchase_id)


ACTION = Action(
    name="createTopupCheckout",
    input_model=CreateTopupCheckoutInput,
    output_model=TopupCheckout,
    handle=handle,
    roles=frozenset({"owner", "org_admin"}),
)
