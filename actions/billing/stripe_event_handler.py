"""Event trigger `stripe_event_process` (stripe_events INSERT): apply one stored Stripe event.

All the work is one SQL call, `billing_process_stripe_event(event id)`, which locks the event row, applies
it exactly once (fulfil, close, claw back, auto top-up outcome), and marks it processed with its outcome in
the same transaction. The event is read from the database, never from the trigger payload. When the
event concerns a purchase that is not fulfilled yet (a refund delivered before the payment), SQL asks for a
retry and Hasura redelivers after Retry-After.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from actions.billing.sql import fetch_json
from actions.errors import RetryLater
from actions.hasura import EventPayload
from actions.logs import get_logger

log = get_logger("billing.stripe_events")

RETRY_SECONDS = 30


async def handle(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    row = payload.event.data.new or {}
    event_id = row.get("id")
    if not isinstance(event_id, str) or not event_id:
        return {"status": "ignored", "reason": "no stripe event id in the trigger payload"}
    result = await fetch_json(pool, "select public.billing_process_stripe_event($1)", event_id)
    log.info("stripe event processed", extra={"event_id": event_id, "outcome": result.get("outcome")})
    if result.get("retry"):
        raise RetryLater(f"stripe event {event_id}: {result.get('outcome')}", seconds=RETRY_SECONDS)
    return {
        "event_id": event_id,
        "type": str(result.get("type")),
        "outcome": str(result.get("outcome")),
        "replayed": bool(result.get("replayed")),
    }
