"""POST /webhooks/stripe: only correctly signed events are stored; replays are no-ops."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest
import stripe

from devkit.fake_stripe import WEBHOOK_SECRET, event, new_id, sign

from .helpers import Billing


async def _count(billing: Billing, event_id: str) -> int:
    return await billing.fetchval("select count(*) from stripe_events where id = $1", event_id)


async def test_webhook_stores_signed_event_once(billing: Billing) -> None:
    evt = event("customer.created", {"id": new_id("cus"), "object": "customer"})
    first = await billing.send_webhook(evt)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": True, "duplicate": False}
    replay = await billing.send_webhook(evt)
    assert replay.status_code == 200
    assert replay.json() == {"received": True, "duplicate": True}
    row = await billing.fetchrow(
        "select type, livemode, payload, processed_at from stripe_events where id = $1", evt["id"]
    )
    assert row["type"] == "customer.created" and row["livemode"] is False
    assert row["payload"] == evt
    assert row["processed_at"] is None  # processing is the event trigger's job, not the webhook's


async def test_webhook_wrong_secret_stores_nothing(billing: Billing) -> None:
    evt = event("checkout.session.completed", {"id": new_id("cs")})
    response = await billing.send_webhook(evt, secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert await _count(billing, evt["id"]) == 0


async def test_webhook_tampered_body_stores_nothing(billing: Billing) -> None:
    evt = event("checkout.session.completed", {"id": new_id("cs"), "amount_total": 999})
    payload = json.dumps(evt)
    header = sign(payload)
    tampered = payload.replace('"amount_total": 999', '"amount_total": 1')
    response = await billing.http.post(
        "/webhooks/stripe", content=tampered, headers={"stripe-signature": header}
    )
    assert response.status_code == 400
    assert await _count(billing, evt["id"]) == 0


async def test_webhook_stale_timestamp_stores_nothing(billing: Billing) -> None:
    evt = event("checkout.session.completed", {"id": new_id("cs")})
    response = await billing.send_webhook(evt, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert await _count(billing, evt["id"]) == 0


async def test_webhook_missing_signature_stores_nothing(billing: Billing) -> None:
    evt = event("checkout.session.completed", {"id": new_id("cs")})
    response = await billing.http.post("/webhooks/stripe", content=json.dumps(evt))
    assert response.status_code == 400
    assert await _count(billing, evt["id"]) == 0


async def test_webhook_signed_non_event_is_refused(billing: Billing) -> None:
    payload = json.dumps({"hello": "world"})
    response = await billing.http.post(
        "/webhooks/stripe", content=payload, headers={"stripe-signature": sign(payload)}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_PAYLOAD"


def _stripe_signed(payload: str, timestamp: int) -> dict[str, str]:
    """A Stripe-Signature made by the stripe SDK itself, for `timestamp`."""
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET, timestamp=timestamp)
    return {"stripe-signature": header, "content-type": "application/json"}


@pytest.mark.parametrize("ahead", [301, 3600, 10 * 365 * 86400])
async def test_webhook_timestamp_from_the_future_stores_nothing(billing: Billing, ahead: int) -> None:
    """The SDK bounds only a signature's age; one dated ahead would stay replayable until then."""
    evt = event("checkout.session.completed", {"id": new_id("cs")})
    payload = json.dumps(evt)
    response = await billing.http.post(
        "/webhooks/stripe", content=payload, headers=_stripe_signed(payload, int(time.time()) + ahead)
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert await _count(billing, evt["id"]) == 0


async def test_webhook_timestamp_slightly_ahead_is_accepted(billing: Billing) -> None:
    """Clocks drift: a timestamp within the tolerance ahead is still Stripe's."""
    evt = event("customer.created", {"id": new_id("cus")})
    payload = json.dumps(evt)
    response = await billing.http.post(
        "/webhooks/stripe", content=payload, headers=_stripe_signed(payload, int(time.time()) + 60)
    )
    assert response.status_code == 200, response.text
    assert await _count(billing, evt["id"]) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"id": "evt_deep", "type": "x", "data": ' + '{"a":' * 100 + "1" + "}" * 100 + "}",
        '{"id": "evt_big", "type": "x", "n": 1e999999999}',
        '{"id": "evt_\\u0000", "type": "customer.created"}',
    ],
    ids=["100k-arrays", "100-levels", "huge-exponent", "nul-in-id"],
)
async def test_webhook_signed_body_beyond_the_limits_is_refused(billing: Billing, payload: str) -> None:
    before = await billing.fetchval("select count(*) from stripe_events")
    response = await billing.http.post(
        "/webhooks/stripe", content=payload, headers=_stripe_signed(payload, int(time.time()))
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_PAYLOAD"
    assert await billing.fetchval("select count(*) from stripe_events") == before


async def test_webhook_stops_reading_a_chunked_body_at_the_limit(billing: Billing) -> None:
    chunk, sent = b" " * 65_536, 0

    async def upload() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(400):  # 26 MB, far over the 1 MB default
            sent += 1
            yield chunk

    before = await billing.fetchval("select count(*) from stripe_events")
    response = await billing.http.post(
        "/webhooks/stripe", content=upload(), headers={"stripe-signature": "t=1,v1=0"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert sent * len(chunk) < 2_000_000, f"the webhook read {sent * len(chunk)} bytes of an oversized body"
    assert await billing.fetchval("select count(*) from stripe_events") == before
