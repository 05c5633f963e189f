"""Stripe events → purchase state and credits: granted exactly once whatever the order, replays and races."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from typing import Any

from devkit.fake_stripe import completed_session, event, new_id

from .helpers import Billing, new_org


async def _session(billing: Billing, purchase_id: str) -> dict[str, Any]:
    purchase = await billing.purchase(purchase_id)
    return billing.stripe.sessions[purchase["stripe_checkout_session_id"]]


async def _outcome(billing: Billing, event_id: str) -> str | None:
    return await billing.fetchval(
        "select outcome from stripe_events where id = $1 and processed_at is not null", event_id
    )


async def test_completed_paid_session_grants_credits_once(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org, "pkg_starter")
    bonus_before = await billing.bonus(org)
    evt = completed_session(await _session(billing, purchase_id))

    result = await billing.stripe_event(evt)
    assert result["outcome"] == "fulfilled" and result["replayed"] is False

    purchase = await billing.purchase(purchase_id)
    assert purchase["status"] == "fulfilled"
    assert purchase["stripe_payment_intent_id"] == evt["data"]["object"]["payment_intent"]
    assert purchase["paid_at"] is not None and purchase["fulfilled_at"] is not None
    rows = await billing.topup_rows(org)
    assert [(r["transaction_type"], r["credits_amount"]) for r in rows] == [("topup_purchase", Decimal(100))]
    assert purchase["transaction_id"] == rows[0]["id"]
    assert await billing.bonus(org) == bonus_before + 100

    # Stripe retries the webhook and Hasura redelivers the trigger: nothing changes.
    assert (await billing.send_webhook(evt)).json()["duplicate"] is True
    again = (await billing.deliver_stripe_event(evt["id"])).json()
    assert again["outcome"] == "fulfilled" and again["replayed"] is True
    assert len(await billing.topup_rows(org)) == 1
    assert await billing.bonus(org) == bonus_before + 100
    assert await billing.invariants(org) == []


async def test_every_paid_event_for_one_purchase_grants_once(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org, "pkg_popular")
    session = await _session(billing, purchase_id)
    intent = new_id("pi")
    first = completed_session(session, payment_intent=intent)
    # Stripe can send a second completed event with a new id (e.g. resent from the dashboard).
    second = completed_session(session, payment_intent=intent)
    async_ok = completed_session(
        session, payment_intent=intent, type_="checkout.session.async_payment_succeeded"
    )
    for evt in (first, second, async_ok):
        assert (await billing.stripe_event(evt))["outcome"] in ("fulfilled", "already_fulfilled")
    assert [await _outcome(billing, e["id"]) for e in (first, second, async_ok)] == [
        "fulfilled",
        "already_fulfilled",
        "already_fulfilled",
    ]
    assert len(await billing.topup_rows(org)) == 1
    assert await billing.invariants(org) == []


async def test_expired_after_fulfilment_never_downgrades(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org)
    session = await _session(billing, purchase_id)
    await billing.stripe_event(completed_session(session))
    expired = event("checkout.session.expired", {**session, "status": "expired"})
    assert (await billing.stripe_event(expired))["outcome"] == "unchanged_fulfilled"
    assert (await billing.purchase(purchase_id))["status"] == "fulfilled"


async def test_expired_session_expires_pending_purchase(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org)
    session = await _session(billing, purchase_id)
    assert (await billing.stripe_event(event("checkout.session.expired", {**session, "status": "expired"})))[
        "outcome"
    ] == "expired"
    purchase = await billing.purchase(purchase_id)
    assert (purchase["status"], purchase["transaction_id"]) == ("expired", None)
    assert await billing.topup_rows(org) == []


async def test_async_payment_flow(billing: Billing) -> None:
    org = await new_org(billing.pool)
    ok_id = await billing.checkout(org)
    fail_id = await billing.checkout(org)
    ok_session, fail_session = await _session(billing, ok_id), await _session(billing, fail_id)

    unpaid = completed_session(ok_session, paid=False)
    assert (await billing.stripe_event(unpaid))["outcome"] == "awaiting_payment"
    assert (await billing.purchase(ok_id))["status"] == "pending"
    succeeded = completed_session(ok_session, type_="checkout.session.async_payment_succeeded")
    assert (await billing.stripe_event(succeeded))["outcome"] == "fulfilled"

    await billing.stripe_event(completed_session(fail_session, paid=False))
    failed = event("checkout.session.async_payment_failed", {**fail_session, "payment_status": "unpaid"})
    assert (await billing.stripe_event(failed))["outcome"] == "failed"
    assert (await billing.purchase(fail_id))["status"] == "failed"
    assert len(await billing.topup_rows(org)) == 1
    assert await billing.invariants(org) == []


async def test_amount_mismatch_grants_nothing(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org)
    session = await _session(billing, purchase_id)
    evt = completed_session({**session, "amount_total": 1})
    assert (await billing.stripe_event(evt))["outcome"] == "amount_mismatch"
    purchase = await billing.purchase(purchase_id)
    assert purchase["status"] == "pending" and "expected 999 usd" in purchase["failure_reason"]
    assert await billing.topup_rows(org) == []


async def test_unknown_event_type_is_recorded_and_acknowledged(billing: Billing) -> None:
    evt = event("invoice.paid", {"id": new_id("in"), "object": "invoice"})
    assert (await billing.stripe_event(evt))["outcome"] == "ignored"
    row = await billing.fetchrow("select processed_at, outcome from stripe_events where id = $1", evt["id"])
    assert row["processed_at"] is not None and row["outcome"] == "ignored"


async def test_session_of_unknown_purchase_is_recorded(billing: Billing) -> None:
    evt = completed_session(
        {
            "id": new_id("cs"),
            "client_reference_id": "nope",
            "metadata": {},
            "amount_total": 100,
            "currency": "usd",
        }
    )
    assert (await billing.stripe_event(evt))["outcome"] == "unknown_purchase"


async def test_shuffled_concurrent_deliveries_grant_exactly_once(billing: Billing) -> None:
    org = await new_org(billing.pool)
    bonus_before = await billing.bonus(org)
    rng = random.Random(7)
    deliveries: list[str] = []
    purchases = [await billing.checkout(org, pkg) for pkg in ("pkg_starter", "pkg_popular", "pkg_power")]
    for purchase_id in purchases:
        session = await _session(billing, purchase_id)
        intent = new_id("pi")
        events = [
            completed_session(session, payment_intent=intent),
            completed_session(session, payment_intent=intent),
            completed_session(
                session, payment_intent=intent, type_="checkout.session.async_payment_succeeded"
            ),
            event("checkout.session.expired", {**session, "status": "expired"}),
        ]
        for evt in events:
            assert (await billing.send_webhook(evt)).status_code == 200
            deliveries += [evt["id"]] * 3  # every event delivered three times by Hasura
    rng.shuffle(deliveries)
    responses = await asyncio.gather(*(billing.deliver_stripe_event(e) for e in deliveries))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200]

    rows = await billing.topup_rows(org)
    assert sorted(r["credits_amount"] for r in rows) == [Decimal(100), Decimal(500), Decimal(2000)]
    assert await billing.bonus(org) == bonus_before + 2600
    for purchase_id in purchases:
        # An expired event that won the race leaves the purchase expired until the payment event fulfils it:
        # the money was taken, so fulfilled is where every purchase ends.
        assert (await billing.purchase(purchase_id))["status"] == "fulfilled"
    assert await billing.invariants(org) == []
    assert await billing.fetchval("select count(*) from stripe_events where processed_at is null") == 0
