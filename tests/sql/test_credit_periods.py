"""rollover_periods and change_plan: expiration, bonus spillover, debt, catch-up, downgrades, proration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    PERIOD_END,
    T0,
    assert_invariants,
    balance,
    change_plan,
    connect,
    expect_error,
    grant,
    ledger,
    new_org,
    reserve,
    rollover,
    settle,
)

MAR1 = datetime(2026, 3, 1, tzinfo=UTC)
APR1 = datetime(2026, 4, 1, tzinfo=UTC)
MAY1 = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def _spend(
    conn: asyncpg.Connection,
    org: str,
    key: str,
    credits: Decimal | int,
    capability: str = "question_generation",
) -> None:
    r = await reserve(conn, org, key, capability, amount=credits)
    await settle(conn, org, r["reservation_id"], credits)


def _rows(rows: list[asyncpg.Record]) -> list[tuple[str, Decimal, Decimal, datetime]]:
    return [(r["transaction_type"], r["credits_amount"], r["balance_after"], r["created_at"]) for r in rows]


async def test_rollover_expires_unused_monthly_credits_and_allocates(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await grant(conn, org, 40, "promo_bonus", "promo")
    await _spend(conn, org, "a", 120)
    await rollover(conn, PERIOD_END)
    assert _rows(await ledger(conn, org))[-2:] == [
        ("expiration", Decimal("-380.00"), Decimal("40.00"), PERIOD_END),
        ("plan_allocation", Decimal("500.00"), Decimal("540.00"), PERIOD_END),
    ]
    b = await balance(conn, org)
    assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (500, 40, 0)
    assert (b["period_start"], b["period_end"]) == (PERIOD_END, MAR1)
    plan = await conn.fetchrow("select * from organization_plans where organization_id = $1", org)
    assert (plan["current_period_start"], plan["current_period_end"]) == (PERIOD_END, MAR1)
    keys = [r["idempotency_key"] for r in await ledger(conn, org)][-1:]
    assert keys == [await conn.fetchval("select plan_allocation_idempotency_key($1, $2)", org, PERIOD_END)]
    await assert_invariants(conn, org)


async def test_overspend_comes_out_of_bonus(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")  # 10 monthly
    await grant(conn, org, 30, "topup_purchase", "buy")
    await _spend(conn, org, "a", 25)
    await rollover(conn, PERIOD_END)
    b = await balance(conn, org)
    assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (10, 15, 0)
    assert [r[0] for r in _rows(await ledger(conn, org))][-1:] == ["plan_allocation"]
    assert "expiration" not in [r[0] for r in _rows(await ledger(conn, org))]
    await assert_invariants(conn, org)


async def test_debt_beyond_bonus_carries_over_and_is_paid_by_later_allocations(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn, "plan_free", overdraft=20)
        await grant(conn, org, 5, "promo_bonus", "promo")
        await _spend(conn, org, "a", 30)  # 10 monthly + 5 bonus + 15 overdraft
        assert await rollover(conn, PERIOD_END + timedelta(seconds=1)) == 1
        b = await balance(conn, org)
        assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (10, 0, 15)
        assert await conn.fetchval("select get_available_credits($1)", org) == -5
        # Two more periods in one call: the debt eats March's allocation, April's is partly unused.
        assert await rollover(conn, APR1 + timedelta(days=1)) == 2
        b = await balance(conn, org)
        assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (10, 0, 0)
        assert (b["period_start"], b["period_end"]) == (APR1, MAY1)
        tail = _rows(await ledger(conn, org))[-4:]
        assert tail == [
            ("plan_allocation", Decimal("10.00"), Decimal("-5.00"), PERIOD_END),
            ("plan_allocation", Decimal("10.00"), Decimal("5.00"), MAR1),
            ("expiration", Decimal("-5.00"), Decimal("0.00"), APR1),
            ("plan_allocation", Decimal("10.00"), Decimal("10.00"), APR1),
        ]
        await assert_invariants(conn)
    finally:
        await conn.close()


async def test_catch_up_of_missed_periods_in_order_and_only_once(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn, "plan_pro")
        await grant(conn, org, 50, "promo_bonus", "promo")
        assert await rollover(conn, APR1) == 3
        assert await rollover(conn, APR1) == 0
        rows = _rows(await ledger(conn, org))
        assert [(r[0], r[3]) for r in rows[2:]] == [
            ("expiration", PERIOD_END),
            ("plan_allocation", PERIOD_END),
            ("expiration", MAR1),
            ("plan_allocation", MAR1),
            ("expiration", APR1),
            ("plan_allocation", APR1),
        ]
        b = await balance(conn, org)
        assert (b["monthly_credits"], b["bonus_credits"], b["period_start"]) == (500, 50, APR1)
        await assert_invariants(conn)
    finally:
        await conn.close()


async def test_rollover_batches_and_skips_locked_rows(fresh_db_url: str) -> None:
    conn, busy = await connect(fresh_db_url), await connect(fresh_db_url)
    try:
        orgs = [await new_org(conn, "plan_free") for _ in range(3)]
        async with busy.transaction():
            await busy.execute(
                "select 1 from organization_credit_balances where organization_id = $1 for update", orgs[0]
            )
            assert await rollover(conn, PERIOD_END, batch=1) == 1
            assert await rollover(conn, PERIOD_END, batch=5) == 1
            assert await rollover(conn, PERIOD_END, batch=5) == 0
        assert await rollover(conn, PERIOD_END, batch=5) == 1
        for org in orgs:
            assert (await balance(conn, org))["period_start"] == PERIOD_END
        await expect_error("INVALID_ARGUMENT", rollover(conn, PERIOD_END, batch=0))
        await assert_invariants(conn)
    finally:
        await conn.close()
        await busy.close()


async def test_pending_reservations_survive_a_rollover(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    r = await reserve(conn, org, "k", amount=30, ttl=86400, now=PERIOD_END - timedelta(minutes=1))
    await rollover(conn, PERIOD_END)
    assert (await balance(conn, org))["reserved_credits"] == 30
    await settle(conn, org, r["reservation_id"], 30, now=PERIOD_END + timedelta(minutes=1))
    b = await balance(conn, org)
    assert (b["reserved_credits"], b["used_this_period"]) == (0, 30)
    await assert_invariants(conn, org)


@pytest.mark.parametrize(
    "now,adjustment",
    [
        (T0, Decimal("1500.00")),
        (T0 + timedelta(days=10), Decimal("1016.13")),  # 1500 * 21/31 = 1016.129...
        (T0 + timedelta(days=15, hours=12), Decimal("750.00")),
        (T0 + timedelta(days=30), Decimal("48.39")),  # 1500 * 1/31 = 48.387...
        (PERIOD_END, Decimal("0")),
    ],
)
async def test_upgrade_is_prorated_over_the_rest_of_the_period(
    conn: asyncpg.Connection, now: datetime, adjustment: Decimal
) -> None:
    org = await new_org(conn, "plan_pro")
    answer = await change_plan(conn, org, "plan_team", now)
    assert (answer["effect"], answer["plan_id"], answer["previous_plan_id"]) == (
        "upgraded",
        "plan_team",
        "plan_pro",
    )
    assert answer["adjustment_credits"] == adjustment
    b = await balance(conn, org)
    assert b["monthly_credits"] == 500 + adjustment
    rows = await ledger(conn, org)
    if adjustment:
        assert (rows[-1]["transaction_type"], rows[-1]["credits_amount"], rows[-1]["id"]) == (
            "plan_change_adjustment",
            adjustment,
            answer["transaction_id"],
        )
    else:
        assert answer["transaction_id"] is None
        assert [r["transaction_type"] for r in rows] == ["plan_allocation"]
    plan = await conn.fetchrow("select * from organization_plans where organization_id = $1", org)
    assert (plan["plan_id"], plan["monthly_ai_credits"]) == ("plan_team", 2000)
    await assert_invariants(conn, org)


async def test_upgrade_from_free_allows_the_new_capabilities_at_once(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")
    await expect_error("CAPABILITY_NOT_IN_PLAN", reserve(conn, org, "k", "testimonial_polish"))
    await change_plan(conn, org, "plan_pro", T0 + timedelta(days=1))
    assert (await reserve(conn, org, "k", "testimonial_polish", now=T0 + timedelta(days=1)))[
        "status"
    ] == "pending"


async def test_downgrade_is_scheduled_applied_at_rollover(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_team")
    answer = await change_plan(conn, org, "plan_pro", T0 + timedelta(days=3))
    assert (answer["effect"], answer["plan_id"], answer["pending_plan_id"]) == (
        "scheduled",
        "plan_team",
        "plan_pro",
    )
    assert answer["pending_change_at"].startswith("2026-02-01")
    assert answer["adjustment_credits"] == 0
    # Still team until the period ends.
    assert (await reserve(conn, org, "k", "testimonial_polish", "premium"))["status"] == "pending"
    again = await change_plan(conn, org, "plan_pro", T0 + timedelta(days=4))
    assert again["effect"] == "scheduled"
    await rollover(conn, PERIOD_END)
    plan = await conn.fetchrow("select * from organization_plans where organization_id = $1", org)
    assert (plan["plan_id"], plan["pending_plan_id"], plan["monthly_ai_credits"]) == ("plan_pro", None, 500)
    b = await balance(conn, org)
    assert b["monthly_credits"] == 500
    await expect_error(
        "QUALITY_LEVEL_NOT_ALLOWED", reserve(conn, org, "k2", "testimonial_polish", "premium", now=PERIOD_END)
    )
    await assert_invariants(conn, org)


async def test_downgrade_can_be_cancelled_two_ways(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await change_plan(conn, org, "plan_free")
    cancelled = await conn.fetchval("select cancel_plan_change($1)", org)
    assert (cancelled["cancelled"], cancelled["plan_id"], cancelled["pending_plan_id"]) == (
        True,
        "plan_pro",
        None,
    )
    assert (await conn.fetchval("select cancel_plan_change($1)", org))["cancelled"] is False
    await change_plan(conn, org, "plan_free")
    back = await change_plan(conn, org, "plan_pro")
    assert (back["effect"], back["pending_plan_id"]) == ("cancelled", None)
    await rollover(conn, PERIOD_END)
    assert (
        await conn.fetchval("select plan_id from organization_plans where organization_id = $1", org)
        == "plan_pro"
    )


async def test_upgrade_clears_a_pending_downgrade(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await change_plan(conn, org, "plan_free")
    up = await change_plan(conn, org, "plan_team", T0 + timedelta(days=15, hours=12))
    assert (up["effect"], up["pending_plan_id"], up["adjustment_credits"]) == (
        "upgraded",
        None,
        Decimal("750.00"),
    )


async def test_plan_change_errors(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await expect_error("PLAN_UNCHANGED", change_plan(conn, org, "plan_pro"))
    await expect_error("PLAN_NOT_FOUND", change_plan(conn, org, "plan_platinum"))
    await expect_error("INVALID_ARGUMENT", change_plan(conn, org, None))  # type: ignore[arg-type]
    await expect_error("ORGANIZATION_NOT_FOUND", change_plan(conn, "org_missing", "plan_team"))
    await conn.execute("update organization_plans set status = 'canceled' where organization_id = $1", org)
    await expect_error("NO_ACTIVE_PLAN", change_plan(conn, org, "plan_team"))
    await expect_error("NO_ACTIVE_PLAN", conn.fetchval("select cancel_plan_change($1)", org))


async def test_inactive_plan_is_not_found(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn, "plan_pro")
        await conn.execute("update plans set is_active = false where id = 'plan_team'")
        await expect_error("PLAN_NOT_FOUND", change_plan(conn, org, "plan_team"))
    finally:
        await conn.close()
