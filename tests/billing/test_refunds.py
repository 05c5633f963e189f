"""Refunds and disputes take back exactly the refunded share of a top-up, once per amount; a won dispute gives
it back."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import asyncpg
import pytest

from devkit.fake_stripe import charge_refunded, completed_session, dispute_closed, dispute_created, new_id

from .helpers import Billing, new_org


async def _paid(billing: Billing, org: str, package: str) -> tuple[str, str]:
    purchase_id = await billing.checkout(org, package)
    purchase = await billing.purchase(purchase_id)
    intent = new_id("pi")
    session = billing.stripe.sessions[purchase["stripe_checkout_session_id"]]
    assert (await billing.stripe_event(completed_session(session, payment_intent=intent)))[
        "outcome"
    ] == "fulfilled"
    return purchase_id, intent


async def _refunds(billing: Billing, org: str) -> list[Decimal]:
    return [
        r["credits_amount"] for r in await billing.topup_rows(org) if r["transaction_type"] == "topup_refund"
    ]


async def test_partial_then_full_refund(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id, intent = await _paid(billing, org, "pkg_popular")  # 500 credits for 3999 cents
    bonus = await billing.bonus(org)
    charge = new_id("ch")

    partial = charge_refunded(intent, 3999, 1000, charge)
    assert (await billing.stripe_event(partial))["outcome"] == "clawed_back"
    assert await _refunds(billing, org) == [Decimal("-125.03")]  # round(500 * 1000 / 3999, 2)
    purchase = await billing.purchase(purchase_id)
    assert (purchase["status"], purchase["refunded_credits"], purchase["stripe_charge_id"]) == (
        "fulfilled",
        Decimal("125.03"),
        charge,
    )
    assert await billing.bonus(org) == bonus - Decimal("125.03")

    replay = charge_refunded(intent, 3999, 1000, charge)  # same amount, new event id
    assert (await billing.stripe_event(replay))["outcome"] == "nothing_to_claw_back"

    full = charge_refunded(intent, 3999, 3999, charge)
    assert (await billing.stripe_event(full))["outcome"] == "clawed_back"
    assert await _refunds(billing, org) == [Decimal("-125.03"), Decimal("-374.97")]
    purchase = await billing.purchase(purchase_id)
    assert (purchase["status"], purchase["refunded_credits"]) == ("refunded", Decimal(500))
    assert await billing.bonus(org) == bonus - 500

    late_partial = charge_refunded(intent, 3999, 2000, charge)  # an older refund event arriving last
    assert (await billing.stripe_event(late_partial))["outcome"] == "nothing_to_claw_back"
    assert len(await _refunds(billing, org)) == 2
    assert await billing.invariants(org) == []


async def test_dispute_claws_back_disputed_amount(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id, intent = await _paid(billing, org, "pkg_starter")  # 100 credits for 999 cents
    charge = new_id("ch")
    assert (await billing.stripe_event(dispute_created(intent, charge, 999)))["outcome"] == "clawed_back"
    # A refund of the same charge cannot take more than was paid.
    assert (await billing.stripe_event(charge_refunded(intent, 999, 999, charge)))["outcome"] == (
        "nothing_to_claw_back"
    )
    assert await _refunds(billing, org) == [Decimal(-100)]
    assert (await billing.purchase(purchase_id))["status"] == "refunded"
    assert await billing.invariants(org) == []


async def _reinstated(billing: Billing, org: str) -> list[Decimal]:
    return [
        r["credits_amount"]
        for r in await billing.topup_rows(org)
        if r["transaction_type"] == "topup_purchase" and "topup_reinstate:" in r["idempotency_key"]
    ]


async def test_won_dispute_gives_the_credits_back_once(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id, intent = await _paid(billing, org, "pkg_popular")  # 500 credits for 3999 cents
    bonus = await billing.bonus(org)
    charge = new_id("ch")
    assert (await billing.stripe_event(dispute_created(intent, charge, 3999)))["outcome"] == "clawed_back"
    assert await billing.bonus(org) == bonus - 500

    won = dispute_closed(intent, charge, 3999, "won")
    answer = await billing.stripe_event(won)
    assert answer["outcome"] == "reinstated"
    assert await billing.bonus(org) == bonus
    assert await _reinstated(billing, org) == [Decimal(500)]
    purchase = await billing.purchase(purchase_id)
    assert (purchase["status"], purchase["refunded_credits"], purchase["dispute_won_amount_cents"]) == (
        "fulfilled",
        Decimal(0),
        3999,
    )

    # Stripe retries and repeats: the same closure again changes nothing.
    again = dispute_closed(intent, charge, 3999, "won")
    assert (await billing.stripe_event(again))["outcome"] == "nothing_to_reinstate"
    redelivered = await billing.deliver_stripe_event(won["id"])  # Hasura delivering the first one again
    assert redelivered.status_code == 200 and redelivered.json()["outcome"] == "reinstated"
    assert await _reinstated(billing, org) == [Decimal(500)]
    assert await billing.bonus(org) == bonus
    assert await billing.invariants(org) == []


async def test_refund_after_a_won_dispute_is_taken_back_again(billing: Billing) -> None:
    # The target climbs back through values it had before the win; the ledger keys must not collide.
    org = await new_org(billing.pool)
    purchase_id, intent = await _paid(billing, org, "pkg_starter")  # 100 credits for 999 cents
    bonus = await billing.bonus(org)
    charge = new_id("ch")
    await billing.stripe_event(dispute_created(intent, charge, 999))
    await billing.stripe_event(dispute_closed(intent, charge, 999, "won"))
    assert await billing.bonus(org) == bonus
    assert (await billing.stripe_event(charge_refunded(intent, 999, 999, charge)))["outcome"] == "clawed_back"
    assert await _refunds(billing, org) == [Decimal(-100), Decimal(-100)]
    assert await billing.bonus(org) == bonus - 100
    assert (await billing.purchase(purchase_id))["status"] == "refunded"
    assert await billing.invariants(org) == []


async def test_dispute_closed_before_created_moves_nothing(billing: Billing) -> None:
    org = await new_org(billing.pool)
    _, intent = await _paid(billing, org, "pkg_starter")
    bonus = await billing.bonus(org)
    charge = new_id("ch")
    assert (await billing.stripe_event(dispute_closed(intent, charge, 999, "won")))["outcome"] == (
        "nothing_to_reinstate"
    )
    assert (await billing.stripe_event(dispute_created(intent, charge, 999)))["outcome"] == (
        "nothing_to_claw_back"
    )
    assert await billing.bonus(org) == bonus
    assert await _refunds(billing, org) == [] and await _reinstated(billing, org) == []
    assert await billing.invariants(org) == []


async def test_lost_dispute_keeps_the_clawback_and_catches_a_missing_created_event(billing: Billing) -> None:
    org = await new_org(billing.pool)
    _, intent = await _paid(billing, org, "pkg_starter")
    charge = new_id("ch")
    await billing.stripe_event(dispute_created(intent, charge, 999))
    assert (await billing.stripe_event(dispute_closed(intent, charge, 999, "lost")))["outcome"] == (
        "nothing_to_claw_back"
    )
    assert await _refunds(billing, org) == [Decimal(-100)]

    other = await new_org(billing.pool)
    _, other_intent = await _paid(billing, other, "pkg_starter")
    lost = dispute_closed(other_intent, new_id("ch"), 999, "lost")  # its created event never arrived
    assert (await billing.stripe_event(lost))["outcome"] == "clawed_back"
    assert await _refunds(billing, other) == [Decimal(-100)]
    assert await billing.invariants(org) == [] and await billing.invariants(other) == []


async def test_refund_of_spent_credits_becomes_debt_that_blocks_reservations(billing: Billing) -> None:
    org = await new_org(billing.pool, "plan_free")  # 10 monthly credits
    await _paid(billing, org, "pkg_starter")  # +100 bonus
    _, intent = await _paid(billing, org, "pkg_starter")  # +100 bonus
    async with billing.pool.acquire() as conn:
        reservation = await conn.fetchval(
            "select reserve_credits($1, 'question_generation', 'fast', 'spend-all', 200)", org
        )
        await conn.execute("select settle_credits($1, $2, 200)", org, reservation["reservation_id"])
    assert (await billing.stripe_event(charge_refunded(intent, 999, 999)))["outcome"] == "clawed_back"
    row = await billing.fetchrow(
        "select monthly_credits + bonus_credits - used_this_period - reserved_credits as available,"
        " bonus_credits"
        " from organization_credit_balances where organization_id = $1",
        org,
    )
    assert row["available"] == Decimal(-90)  # 10 + 200 - 200 spent, then 100 taken back
    assert row["bonus_credits"] == 100  # usage is counted in used_this_period; the refund took 100 of 200
    async with billing.pool.acquire() as conn:
        with pytest.raises(asyncpg.PostgresError) as info:
            await conn.fetchval(
                "select reserve_credits($1, 'question_generation', 'fast', 'after-debt', 1)", org
            )
    assert info.value.sqlstate == "CR001" and info.value.detail == "INSUFFICIENT_CREDITS"
    assert await billing.invariants(org) == []


async def test_refund_before_fulfilment_is_retried(billing: Billing) -> None:
    org = await new_org(billing.pool)
    purchase_id = await billing.checkout(org, "pkg_starter")
    purchase = await billing.purchase(purchase_id)
    session = billing.stripe.sessions[purchase["stripe_checkout_session_id"]]
    intent = new_id("pi")
    refund = charge_refunded(intent, 999, 999, metadata={"purchase_id": purchase_id})
    assert (await billing.send_webhook(refund)).status_code == 200
    early = await billing.deliver_stripe_event(refund["id"])
    assert early.status_code == 503 and early.headers["retry-after"]
    stored = await billing.fetchrow(
        "select processed_at, error from stripe_events where id = $1", refund["id"]
    )
    assert stored["processed_at"] is None and stored["error"] == "purchase_not_fulfilled_yet"

    await billing.stripe_event(completed_session(session, payment_intent=intent))
    later = await billing.deliver_stripe_event(refund["id"])  # Hasura's retry
    assert later.status_code == 200 and later.json()["outcome"] == "clawed_back"
    assert await _refunds(billing, org) == [Decimal(-100)]


async def test_concurrent_shuffled_refund_events_take_back_exactly(billing: Billing) -> None:
    org = await new_org(billing.pool)
    _, intent = await _paid(billing, org, "pkg_power")  # 2000 credits for 12999 cents
    charge = new_id("ch")
    events = [charge_refunded(intent, 12999, amount, charge) for amount in (1000, 5000, 5000, 12999, 3000)]
    events.append(dispute_created(intent, charge, 12999))
    for evt in events:
        assert (await billing.send_webhook(evt)).status_code == 200
    deliveries = [e["id"] for e in events] * 3
    random.Random(11).shuffle(deliveries)
    responses = await asyncio.gather(*(billing.deliver_stripe_event(e) for e in deliveries))
    assert all(r.status_code == 200 for r in responses)
    assert sum(await _refunds(billing, org)) == Decimal(-2000)
    assert await billing.invariants(org) == []
