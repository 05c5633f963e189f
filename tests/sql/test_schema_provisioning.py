"""An organization that gets a plan gets exactly one balance row, one plan_allocation ledger row and, once,
its plan's welcome bonus (a promo_bonus ledger row)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import pytest

from tests.sql import rolled_back

START = datetime(2026, 2, 1, tzinfo=UTC)
END = datetime(2026, 3, 1, tzinfo=UTC)


async def _new_org(conn: asyncpg.Connection, slug: str) -> str:
    return await conn.fetchval("insert into organizations (name, slug) values ($1, $1) returning id", slug)


async def _subscribe(
    conn: asyncpg.Connection, org: str, plan: str, status: str = "active", **extra: object
) -> None:
    columns = ["organization_id", "plan_id", "status", "current_period_start", "current_period_end", *extra]
    values = [org, plan, status, START, END, *extra.values()]
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await conn.execute(
        f"insert into organization_plans ({', '.join(columns)}) values ({placeholders})", *values
    )


async def _balances(conn: asyncpg.Connection, org: str) -> list[asyncpg.Record]:
    return await conn.fetch("select * from organization_credit_balances where organization_id = $1", org)


async def _ledger(conn: asyncpg.Connection, org: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from credit_transactions where organization_id = $1 order by ledger_seq", org
    )


@pytest.mark.parametrize(
    ("plan", "credits", "welcome"), [("plan_free", 10, 10), ("plan_pro", 500, 25), ("plan_team", 2000, 50)]
)
async def test_new_subscription_provisions_balance_first_allocation_and_welcome_bonus(
    db_url: str, plan: str, credits: int, welcome: int
) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "newco")
        assert await _balances(conn, org) == []
        await _subscribe(conn, org, plan)
        balances = await _balances(conn, org)
        ledger = await _ledger(conn, org)

    assert len(balances) == 1
    balance = balances[0]
    assert (balance["monthly_credits"], balance["bonus_credits"], balance["reserved_credits"]) == (
        Decimal(credits),
        Decimal(welcome),
        Decimal(0),
    )
    assert (balance["used_this_period"], balance["period_start"], balance["period_end"]) == (
        Decimal(0),
        START,
        END,
    )
    assert [(r["transaction_type"], r["credits_amount"], r["balance_after"]) for r in ledger] == [
        ("plan_allocation", Decimal(credits), Decimal(credits)),
        ("promo_bonus", Decimal(welcome), Decimal(credits + welcome)),
    ]
    assert [r["idempotency_key"] for r in ledger] == [
        f"alloc:{org}:2026-02-01T00:00:00.000000Z",
        f"grant:{org}:welcome",
    ]


async def test_allocation_key_is_the_shared_helper(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "newco")
        await _subscribe(conn, org, "plan_pro")
        key = await conn.fetchval(
            "select idempotency_key from credit_transactions"
            " where organization_id = $1 and transaction_type = 'plan_allocation'",
            org,
        )
        assert key == await conn.fetchval("select plan_allocation_idempotency_key($1, $2)", org, START)


async def test_negotiated_allocation_overrides_the_plan(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "bigdeal")
        await _subscribe(conn, org, "plan_team", monthly_ai_credits=5000)
        [balance] = await _balances(conn, org)
        row, _welcome = await _ledger(conn, org)
    assert balance["monthly_credits"] == row["credits_amount"] == Decimal(5000)


async def test_zero_allocation_creates_a_balance_but_no_allocation_row(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "nocredits")
        await _subscribe(conn, org, "plan_free", monthly_ai_credits=0)
        assert len(await _balances(conn, org)) == 1
        assert [r["transaction_type"] for r in await _ledger(conn, org)] == ["promo_bonus"]


async def test_a_plan_without_welcome_bonus_grants_none(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute("update plans set welcome_bonus_credits = 0 where id = 'plan_pro'")
        org = await _new_org(conn, "nobonus")
        await _subscribe(conn, org, "plan_pro")
        [balance] = await _balances(conn, org)
        assert balance["bonus_credits"] == 0
        assert [r["transaction_type"] for r in await _ledger(conn, org)] == ["plan_allocation"]


async def test_a_subscription_may_carry_its_own_welcome_bonus(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        waived = await _new_org(conn, "waived")
        await _subscribe(conn, waived, "plan_team", welcome_bonus_credits=0)
        negotiated = await _new_org(conn, "negotiated")
        await _subscribe(conn, negotiated, "plan_free", welcome_bonus_credits=300)
        assert (await _balances(conn, waived))[0]["bonus_credits"] == 0
        assert [r["transaction_type"] for r in await _ledger(conn, waived)] == ["plan_allocation"]
        assert (await _balances(conn, negotiated))[0]["bonus_credits"] == Decimal(300)
        assert await conn.fetchval("select count(*) from check_credit_invariants($1)", negotiated) == 0


async def test_welcome_bonus_is_refused_below_zero(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("update plans set welcome_bonus_credits = -1 where id = 'plan_pro'")


async def test_inactive_subscription_provisions_nothing(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "pastdue")
        await _subscribe(conn, org, "plan_pro", status="past_due")
        assert await _balances(conn, org) == []
        assert await _ledger(conn, org) == []


async def test_resubscribing_keeps_the_single_balance_and_allocation(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "churner")
        await _subscribe(conn, org, "plan_pro")
        await conn.execute(
            "update organization_plans set status = 'canceled' where organization_id = $1", org
        )
        await _subscribe(conn, org, "plan_team")
        balances = await _balances(conn, org)
        ledger = await _ledger(conn, org)
    assert len(balances) == 1 and balances[0]["monthly_credits"] == Decimal(500)
    # The welcome bonus came with the first plan only: switching plans never grants another.
    assert [r["transaction_type"] for r in ledger] == ["plan_allocation", "promo_bonus"]
    assert balances[0]["bonus_credits"] == Decimal(25)


async def test_ledger_sum_matches_the_balance_after_provisioning(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await _new_org(conn, "sums")
        await _subscribe(conn, org, "plan_team")
        ledger_sum, balance = await conn.fetchrow(
            """select (select sum(credits_amount) from credit_transactions where organization_id = $1),
                      monthly_credits + bonus_credits - used_this_period
               from organization_credit_balances where organization_id = $1""",
            org,
        )
    assert ledger_sum == balance == Decimal(2050)


async def test_concurrent_subscriptions_of_one_org_provision_once(db_url: str) -> None:
    setup = await asyncpg.connect(db_url)
    first = await asyncpg.connect(db_url)
    second = await asyncpg.connect(db_url)
    try:
        org = await _new_org(setup, "racer")
        insert = "insert into organization_plans (organization_id, plan_id) values ($1, $2)"
        async with first.transaction():
            await first.execute(insert, org, "plan_pro")
            # The second insert waits on the first one's unique-index entry, then fails once it commits.
            racing = asyncio.ensure_future(second.execute(insert, org, "plan_team"))
            await asyncio.sleep(0.05)
            assert not racing.done()
        with pytest.raises(asyncpg.UniqueViolationError):
            await racing
        balances = await _balances(setup, org)
        ledger = await _ledger(setup, org)
    finally:
        for conn in (setup, first, second):
            await conn.close()
    assert [(b["monthly_credits"], b["bonus_credits"]) for b in balances] == [(Decimal(500), Decimal(25))]
    assert [r["transaction_type"] for r in ledger] == ["plan_allocation", "promo_bonus"]
