"""grant_credits by type, its idempotency, refunds into debt, and low-balance notifications on crossings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    PERIOD_END,
    T0,
    assert_invariants,
    balance,
    connect,
    expect_error,
    grant,
    ledger,
    new_org,
    notifications,
    reserve,
    rollover,
    settle,
)


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


@pytest.mark.parametrize(
    "kind,amount,monthly,bonus,used",
    [
        ("promo_bonus", "25", 500, 25, 0),
        ("topup_purchase", "100", 500, 100, 0),
        ("admin_adjustment", "12.50", 500, Decimal("12.50"), 0),
        ("plan_allocation", "40", 540, 0, 0),
        ("plan_change_adjustment", "40", 540, 0, 0),
    ],
)
async def test_each_grant_type_lands_where_documented(
    conn: asyncpg.Connection, kind: str, amount: str, monthly: int, bonus: Decimal, used: int
) -> None:
    org = await new_org(conn)
    g = await grant(conn, org, amount, kind, "g1", description="why")
    assert (g["transaction_type"], g["credits_amount"], g["replayed"]) == (kind, Decimal(amount), False)
    assert g["balance_after"] == 500 + Decimal(amount)
    assert (g["idempotency_key"], g["description"]) == ("g1", "why")
    b = await balance(conn, org)
    assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (monthly, bonus, used)
    row = (await ledger(conn, org))[-1]
    assert (row["id"], row["idempotency_key"]) == (g["transaction_id"], f"grant:{org}:g1")
    await assert_invariants(conn, org)


async def test_grant_replay_and_key_reuse(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    first = await grant(conn, org, 100, "topup_purchase", "stripe:pi_1")
    again = await grant(conn, org, 100, "topup_purchase", "stripe:pi_1")
    assert (again["transaction_id"], again["replayed"]) == (first["transaction_id"], True)
    await expect_error("IDEMPOTENCY_KEY_REUSED", grant(conn, org, 101, "topup_purchase", "stripe:pi_1"))
    await expect_error("IDEMPOTENCY_KEY_REUSED", grant(conn, org, 100, "promo_bonus", "stripe:pi_1"))
    assert (await balance(conn, org))["bonus_credits"] == 100
    other = await new_org(conn)
    assert (await grant(conn, other, 100, "topup_purchase", "stripe:pi_1"))["replayed"] is False


async def test_refund_takes_bonus_then_leaves_debt_that_blocks_reservations(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")  # 10 monthly
    await grant(conn, org, 100, "topup_purchase", "buy")
    r = await reserve(conn, org, "k", "question_generation", "fast", amount=105)
    await settle(conn, org, r["reservation_id"], 105)  # used 105: monthly and 95 of bonus spent
    g = await grant(conn, org, -100, "topup_refund", "refund")
    assert g["credits_amount"] == -100
    b = await balance(conn, org)
    assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (10, 0, 105)
    assert g["balance"]["available"] == -95
    await expect_error("INSUFFICIENT_CREDITS", reserve(conn, org, "k2", "question_generation", "fast"))
    await assert_invariants(conn, org)


async def test_refund_larger_than_bonus_becomes_debt(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")
    await grant(conn, org, 30, "topup_purchase", "buy")
    await grant(conn, org, -50, "topup_refund", "refund")
    b = await balance(conn, org)
    assert (b["bonus_credits"], b["used_this_period"]) == (0, 20)
    assert await conn.fetchval("select get_available_credits($1)", org) == -10
    await assert_invariants(conn, org)


async def test_negative_admin_adjustment(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    await grant(conn, org, 10, "promo_bonus", "promo")
    g = await grant(conn, org, -15, "admin_adjustment", "fix")
    assert g["balance_after"] == 495
    b = await balance(conn, org)
    assert (b["monthly_credits"], b["bonus_credits"], b["used_this_period"]) == (500, 0, 5)
    await assert_invariants(conn, org)


@pytest.mark.parametrize(
    "kind,amount,code",
    [
        ("promo_bonus", "0", "INVALID_AMOUNT"),
        ("promo_bonus", "-5", "INVALID_AMOUNT"),
        ("topup_refund", "5", "INVALID_AMOUNT"),
        ("admin_adjustment", "0", "INVALID_AMOUNT"),
        ("plan_change_adjustment", "-1", "INVALID_AMOUNT"),
        ("topup_purchase", "1.001", "INVALID_AMOUNT"),
        ("topup_purchase", "NaN", "INVALID_AMOUNT"),
        ("topup_purchase", "1e12", "INVALID_AMOUNT"),
        ("ai_consumption", "-5", "INVALID_ARGUMENT"),
        ("expiration", "-5", "INVALID_ARGUMENT"),
        ("gift", "5", "INVALID_ARGUMENT"),
    ],
)
async def test_bad_grants_are_refused(conn: asyncpg.Connection, kind: str, amount: str, code: str) -> None:
    org = await new_org(conn)
    await expect_error(code, grant(conn, org, amount, kind, "k"))
    assert len(await ledger(conn, org)) == 1


async def test_grant_argument_checks(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    await expect_error("INVALID_ARGUMENT", grant(conn, org, 5, "promo_bonus", "x" * 256))
    await expect_error("INVALID_ARGUMENT", grant(conn, org, 5, "promo_bonus", "k", description="d" * 1001))
    await expect_error(
        "INVALID_AMOUNT", conn.fetchval("select grant_credits($1, null, 'promo_bonus', 'k')", org)
    )
    await expect_error(
        "INVALID_ARGUMENT",
        conn.fetchval("select grant_credits($1, 5, 'promo_bonus', 'k', null, '\"text\"'::jsonb)", org),
    )
    await expect_error("ORGANIZATION_NOT_FOUND", grant(conn, "org_missing", 5, "promo_bonus", "k"))
    await conn.execute(
        "insert into organizations (id, name, slug) values ('org_no_plan', 'N', 'org-no-plan')"
    )
    await expect_error("NO_ACTIVE_PLAN", grant(conn, "org_no_plan", 5, "promo_bonus", "k"))


async def _spend(conn: asyncpg.Connection, org: str, key: str, credits: Decimal | int) -> None:
    r = await reserve(conn, org, key, "question_generation", amount=credits)
    await settle(conn, org, r["reservation_id"], credits)


async def test_low_balance_fires_once_on_crossing(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)  # 500 monthly, threshold 100
    await _spend(conn, org, "a", 399)  # 101 left
    assert await notifications(conn, org) == []
    await _spend(conn, org, "b", 1)  # exactly 100: at the threshold
    assert await notifications(conn, org) == [("low_balance", 1)]
    await _spend(conn, org, "c", 10)
    assert await notifications(conn, org) == [("low_balance", 1)]
    row = await conn.fetchrow("select * from credit_notifications where organization_id = $1", org)
    assert (row["available_at_crossing"], row["threshold"], row["delivery_status"]) == (100, 100, "pending")
    assert row["period_start"] == T0


async def test_holds_alone_do_not_notify(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    await reserve(conn, org, "big", amount=450)
    assert await notifications(conn, org) == []


async def test_depleted_then_recovered_then_rearmed(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro", overdraft=50)
    await _spend(conn, org, "a", 520)  # from 500 straight to -20: depleted only
    assert await notifications(conn, org) == [("depleted", 1)]
    await grant(conn, org, 50, "topup_purchase", "t1")  # 30: still under the threshold
    assert await notifications(conn, org) == [("depleted", 1)]
    await grant(conn, org, 100, "topup_purchase", "t2")  # 130: above 100
    assert await notifications(conn, org) == [("depleted", 1), ("recovered", 1)]
    await _spend(conn, org, "b", 40)  # 90: a new episode
    assert await notifications(conn, org) == [("depleted", 1), ("recovered", 1), ("low_balance", 2)]
    await assert_invariants(conn, org)


async def test_recovery_without_a_notice_is_silent(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro", threshold=0)
    await conn.execute(
        "update organization_credit_balances set low_balance_threshold = 600 where organization_id = $1", org
    )
    await grant(conn, org, 200, "promo_bonus", "p")  # 500 -> 700, never notified low
    assert await notifications(conn, org) == []


async def test_explicit_threshold_and_new_period_rearms(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free", threshold=3)
    await _spend(conn, org, "a", 7)  # 3 left
    assert await notifications(conn, org) == [("low_balance", 1)]
    await rollover(conn, PERIOD_END)
    r = await reserve(conn, org, "b", "question_generation", amount=Decimal("8.5"), now=PERIOD_END)
    await settle(
        conn, org, r["reservation_id"], Decimal("8.5"), now=PERIOD_END
    )  # 10 -> 1.5 in the new period
    kinds = await conn.fetch(
        "select kind, period_start from credit_notifications where organization_id = $1"
        " order by period_start",
        org,
    )
    assert [(k["kind"], k["period_start"]) for k in kinds] == [
        ("low_balance", T0),
        ("low_balance", PERIOD_END),
    ]
    assert T0 + timedelta(days=31) == PERIOD_END


async def test_a_balance_that_would_overflow_is_refused_with_a_code(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    for i in range(9):
        await grant(conn, org, 1_000_000_000, "promo_bonus", f"big{i}")
    await expect_error("INVALID_AMOUNT", grant(conn, org, 1_000_000_000, "promo_bonus", "big9"))
    assert (await balance(conn, org))["bonus_credits"] == 9_000_000_000
    r = await reserve(conn, org, "k", amount=10_000)
    for i in range(18):  # 9e9 out of bonus, then 9e9 of debt
        await grant(conn, org, -1_000_000_000, "admin_adjustment", f"take{i}")
    await expect_error("INVALID_AMOUNT", grant(conn, org, -1_000_000_000, "admin_adjustment", "take18"))
    # The default settle ceiling would refuse this settle first; lifted, the overflow check answers.
    await conn.execute(
        "insert into credit_pricing (plan_id, settle_ceiling_factor, settle_ceiling_credits)"
        " values ('plan_pro', 999999, 9999999999)"
    )
    try:
        await expect_error("INVALID_AMOUNT", settle(conn, org, r["reservation_id"], 1_000_000_000))
    finally:
        await conn.execute("delete from credit_pricing where plan_id = 'plan_pro'")
    assert (await balance(conn, org))["used_this_period"] == 9_000_000_000
    await assert_invariants(conn, org)
