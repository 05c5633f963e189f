"""POST /webhooks/stripe: verify Stripe's signature, store the event, answer at once.

Nothing is fulfilled here (design.md §8): the stripe_events insert fires the `stripe_event_process` event
trigger, which applies the event with Hasura's retries. A replayed event id is a no-op 200. A bad signature,
a tampered body or a timestamp outside the tolerance (past or future) is a 400 and nothing is stored.
"""

from __future__ import annotations

import time

import asyncpg
import stripe
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from actions import json_limits
from actions.billing.config import billing_settings
from actions.logs import get_logger

log = get_logger("billing.webhook")

INSERT_EVENT = """
insert into public.stripe_events (id, type, livemode, payload)
values ($1, $2, $3, $4)
on conflict (id) do nothing
returning id
"""


def verify_signature(body: bytes, header: str | None, secret: str, tolerance: int) -> None:
    """Stripe's check (signature, a timestamp at most `tolerance` seconds old), and none from the future.

    The SDK bounds only the past, so a signature made with a timestamp far ahead (a leaked secret, a clock
    gone wrong) would stay replayable until that time; a timestamp more than `tolerance` ahead is refused.
    """
    stripe.WebhookSignature.verify_header(body, header, secret, tolerance=tolerance)
    # The SDK's own parser, so the timestamp checked here is the one it verified (header is set: it passed).
    timestamp, _ = stripe.WebhookSignature._get_timestamp_and_signatures(header or "", "v1")
    if timestamp > time.time() + tolerance:
        raise stripe.SignatureVerificationError(
            f"Timestamp outside the tolerance zone ({timestamp})", header, body.decode("utf-8")
        )


def _refuse(request: Request, code: str, message: str, status: int = 400) -> Response:
    request.state.outcome = code
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def stripe_webhook(request: Request) -> Response:
    request.state.kind, request.state.name = "webhook", "stripe"
    settings = billing_settings()
    secret = settings.stripe_webhook_secret.get_secret_value() if settings.stripe_webhook_secret else ""
    if not secret:
        return _refuse(
            request, "STRIPE_NOT_CONFIGURED", "CREDITS_STRIPE_WEBHOOK_SECRET is not set", status=503
        )
    try:
        body = await json_limits.read_body(request, request.app.state.services.settings.max_body_bytes)
    except json_limits.BodyTooLarge:
        return _refuse(request, "PAYLOAD_TOO_LARGE", "request body too large", status=413)
    header = request.headers.get("stripe-signature")
    try:
        verify_signature(body, header, secret, settings.stripe_webhook_tolerance)
    except stripe.SignatureVerificationError as exc:
        return _refuse(request, "INVALID_SIGNATURE", str(exc.user_message or "invalid Stripe-Signature"))
    except ValueError:  # a body that is not UTF-8
        return _refuse(request, "INVALID_PAYLOAD", "body is not a Stripe event")
    # Store the verified text as JSON (not the SDK object) so the event trigger sees exactly what Stripe sent.
    try:
        event = json_limits.parse_body(body)
    except ValueError as exc:
        return _refuse(request, "INVALID_PAYLOAD", f"body is not a Stripe event: {exc}")
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
    ):
        return _refuse(request, "INVALID_PAYLOAD", "event id and type are required")
    # actions.state is not imported: it imports the registry, which imports this module.
    try:
        async with request.app.state.pool.acquire() as conn:
            inserted = await conn.fetchval(
                INSERT_EVENT, event["id"], event["type"], bool(event.get("livemode", False)), event
            )
    except asyncpg.DataError as exc:  # text PostgreSQL cannot store (a NUL): no event Stripe sends
        return _refuse(request, "INVALID_PAYLOAD", f"body is not a Stripe event (SQLSTATE {exc.sqlstate})")
    request.state.outcome = "stored" if inserted else "duplicate"
    log.info("stripe event received", extra={"event_id": event["id"], "type": event["type"]})
    return JSONResponse({"received": True, "duplicate": inserted is None})


ROUTE = Route("/webhooks/stripe", stripe_webhook, methods=["POST"])
