"""Auto top-up: one off-session charge per threshold crossing, within the monthly cap, off after 3 fails."""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal

import asyncpg

from devkit.fake_stripe import completed_session, event, new_id

from .helpers import Billing, new_org

CHARGE = "auto_topup_charge"


async def _org_with_card(billing: Billing, card: str = "pm_card_visa", cap: int = 2500) -> str:
    """A pro org (500 monthly) that bought once through checkout, saving `card`, with auto top-up on:
    starter package (100 credits, 999 cents) when the settled balance falls to 200 or below."""
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org, "pkg_starter")
    purchase = await billing.purchase(purchase_id)
    session = billing.stripe.sessions[purchase["stripe_checkout_session_id"]]
    intent = new_id("pi")
    await billing.stripe_event(completed_session(session, payment_intent=intent))
    saved = event(
        "payment_intent.succeeded",
        {
            "id": intent,
            "object": "payment_intent",
            "amount": 999,
            "amount_received": 999,
            "currency": "usd",
            "customer": session["customer"],
            "payment_method": card,
            "setup_future_usage": "off_session",
            "status": "succeeded",
            "metadata": {"purchase_id": purchase_id, "organization_id": org, "source": "checkout"},
        },
    )
    assert (await billing.stripe_event(saved))["outcome"] == "payment_method_saved"
    await billing.execute(
        "update organization_credit_settings set auto_topup_enabled = true,"
        " auto_topup_package_id = 'pkg_starter',"
        " auto_topup_threshold = 200, auto_topup_monthly_cap = $2 where organization_id = $1",
        org,
        cap,
    )
    return org  # settled balance 600 (500 monthly + 100 bought)


async def _spend(billing: Billing, org: str, amount: int) -> None:
    async with billing.pool.acquire() as conn:
        reservation = await conn.fetchval(
            "select reserve_credits($1, 'question_generation', 'fast', $2, $3)",
            org,
            secrets.token_hex(6),
            amount,
        )
        await conn.execute("select settle_credits($1, $2, $3)", org, reservation["reservation_id"], amount)


async def _grant(billing: Billing, org: str, amount: int) -> None:
    await billing.execute(
        "select grant_credits($1, $2, 'promo_bonus', $3)", org, amount, secrets.token_hex(6)
    )


async def _auto_purchases(billing: Billing, org: str) -> list[asyncpg.Record]:
    return await billing.fetch(
        "select * from credit_purchases where organization_id = $1 and source = 'auto_topup'"
        " order by created_at",
        org,
    )


async def _charge(billing: Billing, purchase: asyncpg.Record):
    return await billing.deliver_trigger(CHARGE, "credit_purchases", dict(purchase))


async def test_nothing_is_bought_without_a_saved_card(billing: Billing) -> None:
    org = await new_org(billing.pool)
    await billing.execute(
        "insert into organization_credit_settings"
        " (organization_id, auto_topup_enabled, auto_topup_package_id, auto_topup_threshold,"
        " auto_topup_monthly_cap) values ($1, true, 'pkg_starter', 200, 5000)",
        org,
    )
    await _spend(billing, org, 450)  # 500 → 50: crosses 200, but there is no card to charge
    assert await _auto_purchases(billing, org) == []


async def test_one_charge_per_crossing_within_cap(billing: Billing) -> None:
    org = await _org_with_card(billing)
    await _spend(billing, org, 350)  # 600 → 250: above the threshold, nothing
    assert await _auto_purchases(billing, org) == []
    await _spend(billing, org, 100)  # 250 → 150: crossing
    await _spend(billing, org, 10)  # 150 → 140: same crossing
    [pending] = await _auto_purchases(billing, org)
    assert (pending["status"], pending["credits"], pending["amount_cents"]) == ("pending", 100, 999)

    # Hasura delivers the insert three times at once: one PaymentIntent, one grant.
    responses = await asyncio.gather(*(_charge(billing, pending) for _ in range(3)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    created = [
        r
        for r in billing.stripe.requests
        if r[1] == "/v1/payment_intents" and r[3] == f"auto_topup:{pending['id']}"
    ]
    assert len(created) >= 1
    intents = [
        pi
        for pi in billing.stripe.payment_intents.values()
        if pi["metadata"].get("purchase_id") == pending["id"]
    ]
    assert len(intents) == 1
    assert intents[0]["off_session"] == "true" and intents[0]["payment_method"] == "pm_card_visa"
    [done] = await _auto_purchases(billing, org)
    assert (done["status"], done["stripe_payment_intent_id"]) == ("fulfilled", intents[0]["id"])

    # Stripe's own payment_intent.succeeded arrives later: already fulfilled.
    succeeded = event("payment_intent.succeeded", {**intents[0], "metadata": intents[0]["metadata"]})
    assert (await billing.stripe_event(succeeded))["outcome"] == "already_fulfilled"

    await _spend(billing, org, 60)  # 240 → 180: second crossing, 1998 cents this period
    second = (await _auto_purchases(billing, org))[-1]
    assert second["status"] == "pending"
    assert (await _charge(billing, second)).json()["status"] == "fulfilled"
    await _spend(billing, org, 100)  # 280 → 180: a third would be 2997 > cap 2500
    assert len(await _auto_purchases(billing, org)) == 2
    grants = [r for r in await billing.topup_rows(org) if r["transaction_type"] == "topup_purchase"]
    assert [g["credits_amount"] for g in grants] == [Decimal(100)] * 3  # the checkout and two auto top-ups
    assert await billing.invariants(org) == []


async def test_three_failures_in_a_row_disable_auto_topup(billing: Billing) -> None:
    org = await _org_with_card(billing, card="pm_card_chargeDeclined", cap=100000)
    await _spend(billing, org, 400)  # 600 → 200: crossing
    for attempt in (1, 2, 3):
        purchase = (await _auto_purchases(billing, org))[-1]
        response = await _charge(billing, purchase)
        assert response.status_code == 200 and response.json()["status"] == "auto_topup_failed", response.text
        settings = await billing.fetchrow(
            "select auto_topup_enabled, auto_topup_consecutive_failures from organization_credit_settings"
            " where organization_id = $1",
            org,
        )
        assert settings["auto_topup_consecutive_failures"] == attempt
        assert settings["auto_topup_enabled"] is (attempt < 3)
        await _grant(billing, org, 50)  # back above the threshold...
        await _spend(billing, org, 50)  # ...and down again: a new crossing
    purchases = await _auto_purchases(billing, org)
    assert [p["status"] for p in purchases] == ["failed"] * 3  # no fourth: auto top-up is off
    assert all(p["failure_reason"] == "card_declined" for p in purchases)
    notices = await billing.fetch(
        "select kind, episode from credit_notifications"
        " where organization_id = $1 and kind = 'auto_topup_failed'"
        " order by episode",
        org,
    )
    assert [(n["kind"], n["episode"]) for n in notices] == [("auto_topup_failed", i) for i in (1, 2, 3)]
    # The owner turns it back on: a new streak starts.
    await billing.execute(
        "update organization_credit_settings set auto_topup_enabled = true where organization_id = $1", org
    )
    assert (
        await billing.fetchval(
            "select auto_topup_consecutive_failures from organization_credit_settings"
            " where organization_id = $1",
            org,
        )
        == 0
    )
    assert await billing.invariants(org) == []


async def test_authentication_required_is_a_recorded_failure(billing: Billing) -> None:
    org = await _org_with_card(billing, card="pm_card_authenticationRequired")
    await _spend(billing, org, 450)
    [purchase] = await _auto_purchases(billing, org)
    assert (await _charge(billing, purchase)).json()["status"] == "auto_topup_failed"
    failed = (await _auto_purchases(billing, org))[0]
    assert (failed["status"], failed["failure_reason"]) == ("failed", "authentication_required")
    assert failed["stripe_payment_intent_id"] is not None
    assert [
        r for r in await billing.topup_rows(org) if r["transaction_type"] == "topup_purchase"
    ].__len__() == 1


async def test_payment_failed_webhook_before_charge_delivery(billing: Billing) -> None:
    org = await _org_with_card(billing)
    await _spend(billing, org, 450)
    [purchase] = await _auto_purchases(billing, org)
    failed = event(
        "payment_intent.payment_failed",
        {
            "id": new_id("pi"),
            "object": "payment_intent",
            "status": "requires_payment_method",
            "last_payment_error": {"code": "expired_card"},
            "metadata": {"purchase_id": purchase["id"], "organization_id": org, "source": "auto_topup"},
        },
    )
    assert (await billing.stripe_event(failed))["outcome"] == "auto_topup_failed"
    # The charge trigger delivered afterwards must not charge a failed purchase.
    assert (await _charge(billing, purchase)).json()["status"] == "already_handled"
    assert (await _auto_purchases(billing, org))[0]["failure_reason"] == "expired_card"


async def test_checkout_purchase_insert_is_not_charged(billing: Billing) -> None:
    purchase_id = await billing.checkout(await new_org(billing.pool))
    response = await _charge(billing, await billing.purchase(purchase_id))
    assert response.json()["status"] == "ignored"


async def test_refund_clawback_does_not_buy_again(billing: Billing) -> None:
    org = await _org_with_card(billing)  # settled 600, threshold 200
    await _spend(billing, org, 350)  # 250
    intent = await billing.fetchval(
        "select stripe_payment_intent_id from credit_purchases"
        " where organization_id = $1 and source = 'checkout'",
        org,
    )
    refund = event(
        "charge.refunded",
        {
            "id": new_id("ch"),
            "object": "charge",
            "amount": 999,
            "amount_refunded": 999,
            "payment_intent": intent,
            "metadata": {},
        },
    )
    assert (await billing.stripe_event(refund))["outcome"] == "clawed_back"  # 250 → 150: crossed by a refund
    assert await _auto_purchases(billing, org) == []
    await _grant(billing, org, 100)  # 250
    await _spend(billing, org, 60)  # 190: crossed by spending
    assert len(await _auto_purchases(billing, org)) == 1
