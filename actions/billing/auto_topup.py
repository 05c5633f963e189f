"""Event trigger `auto_topup_charge` (credit_purchases INSERT): charge an auto top-up off-session.

The purchase row is written in SQL by the balance trigger `billing_auto_topup_on_balance_change` when the
settled balance crosses the organization's auto top-up threshold (once per crossing, at most one in flight,
never past the monthly cap). Here one off-session PaymentIntent is created and confirmed with the idempotency
key `auto_topup:<purchase id>`, so a redelivered event can never charge twice. Success fulfils the purchase
at once (the later payment_intent.succeeded webhook is then a no-op); a decline or a required
authentication records a failure (notice, streak, off after 3). Network/API errors → retry (same key).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import stripe

from actions.billing.config import billing_settings
from actions.billing.sql import fetch_json
from actions.billing.stripe_api import stripe_client
from actions.errors import RetryLater
from actions.hasura import EventPayload
from actions.logs import get_logger

log = get_logger("billing.auto_topup")

LOAD = """
select p.id, p.organization_id, p.status, p.amount_cents, p.currency, p.credits, p.package_id,
       p.stripe_payment_intent_id, o.stripe_customer_id, s.stripe_payment_method_id
from public.credit_purchases p
join public.organizations o on o.id = p.organization_id
left join public.organization_credit_settings s on s.organization_id = p.organization_id
where p.id = $1 and p.source = 'auto_topup'
"""


async def _fail(pool: asyncpg.Pool, purchase_id: str, reason: str, intent_id: str | None) -> dict[str, Any]:
    result = await fetch_json(
        pool, "select public.billing_record_auto_topup_failure($1, $2, $3)", purchase_id, reason, intent_id
    )
    log.warning("auto top-up failed", extra={"purchase_id": purchase_id, "reason": reason})
    return {"purchase_id": purchase_id, "status": str(result["outcome"]), "reason": reason}


async def handle(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    new = payload.event.data.new or {}
    if new.get("source") != "auto_topup" or not isinstance(new.get("id"), str):
        return {"status": "ignored", "reason": "not an auto top-up purchase"}
    async with pool.acquire() as conn:
        row = await conn.fetchrow(LOAD, new["id"])
    if row is None or row["status"] != "pending" or row["stripe_payment_intent_id"]:
        return {"purchase_id": new["id"], "status": "already_handled"}
    purchase_id = row["id"]
    if not row["stripe_customer_id"] or not row["stripe_payment_method_id"]:
        return await _fail(pool, purchase_id, "no saved payment method", None)

    client = stripe_client(billing_settings())
    try:
        intent = await client.v1.payment_intents.create_async(
            params={
                "amount": row["amount_cents"],
                "currency": row["currency"],
                "customer": row["stripe_customer_id"],
                "payment_method": row["stripe_payment_method_id"],
                "off_session": True,
                "confirm": True,
                "description": f"Auto top-up {row['package_id']} ({row['credits']} credits)",
                "metadata": {
                    "purchase_id": purchase_id,
                    "organization_id": row["organization_id"],
                    "source": "auto_topup",
                },
            },
            options={"idempotency_key": f"auto_topup:{purchase_id}"},
        )
    except stripe.CardError as exc:
        error = exc.error
        intent_data = getattr(error, "payment_intent", None) if error is not None else None
        intent_id = (
            intent_data.get("id") if isinstance(intent_data, dict) else getattr(intent_data, "id", None)
        )
        return await _fail(pool, purchase_id, exc.code or "card_error", intent_id)
    except stripe.InvalidRequestError as exc:
        return await _fail(pool, purchase_id, f"stripe refused: {exc.user_message or exc.code}", None)
    except stripe.StripeError as exc:
        raise RetryLater(
            f"auto top-up {purchase_id}: stripe unavailable ({exc.__class__.__name__})"
        ) from None

    if intent.status == "succeeded":
        result = await fetch_json(
            pool,
            "select public.billing_fulfil_purchase($1, null, $2, $3, $4)",
            purchase_id,
            intent.id,
            intent.amount_received,
            intent.currency,
        )
        return {"purchase_id": purchase_id, "status": str(result["outcome"])}
    if intent.status in ("requires_action", "requires_payment_method", "canceled"):
        return await _fail(pool, purchase_id, intent.status, intent.id)
    # processing: the payment_intent.succeeded / payment_failed webhook finishes it.
    async with pool.acquire() as conn:
        await conn.execute(
            "update public.credit_purchases set stripe_payment_intent_id = $2"
            " where id = $1 and stripe_payment_intent_id is null",
            purchase_id,
            intent.id,
        )
    return {"purchase_id": purchase_id, "status": "processing"}
