"""POST /webhooks/stripe: only correctly signed events are stored; replays are no-ops."""

from __future__ import annotations

import json
import time

from devkit.fake_stripe import event, new_id, sign

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
