"""Races on the real server with real parallel connections: no double spend, one effect per key, one end per
reservation, exact rate limits. check_credit_invariants() is empty after each."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    PERIOD_END,
    T0,
    assert_invariants,
    balance,
    create_pool,
    expire,
    grant,
    ledger,
    new_org,
    release,
    reserve,
    rollover,
    settle,
)

POOL_SIZE = 25


@pytest.fixture(scope="module")
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(db_url, POOL_SIZE)
    yield p
    await p.close()


async def _outcome(awaitable: Any) -> str:
    """'ok' or the credit error code; any other error fails the test."""
    try:
        await awaitable
    except asyncpg.PostgresError as err:
        assert err.sqlstate == "CR001", f"unexpected database error: {err!r}"
        return str(err.detail)
    return "ok"


async def test_twenty_concurrent_reservations_cannot_overspend(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_pro")  # 500 credits, no overdraft
    outcomes = await asyncio.gather(*(_outcome(reserve(pool, org, f"k{i}", amount=75)) for i in range(20)))
    assert Counter(outcomes) == {"ok": 6, "INSUFFICIENT_CREDITS": 14}
    b = await balance(pool, org)
    assert b["reserved_credits"] == 450
    assert (
        await pool.fetchval("select count(*) from credit_reservations where organization_id = $1", org) == 6
    )
    await assert_invariants(pool, org)


async def test_fifty_concurrent_replays_of_one_key_make_one_reservation(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_pro")
    answers = await asyncio.gather(*(reserve(pool, org, "one-key", amount=5) for _ in range(50)))
    assert len({a["reservation_id"] for a in answers}) == 1
    assert Counter(a["replayed"] for a in answers) == {True: 49, False: 1}
    assert (await balance(pool, org))["reserved_credits"] == 5
    assert (
        await pool.fetchval("select count(*) from credit_reservations where organization_id = $1", org) == 1
    )
    await assert_invariants(pool, org)


async def test_settle_racing_release_has_exactly_one_winner(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_pro")
    reservations = [await reserve(pool, org, f"k{i}", amount=4) for i in range(12)]
    results = await asyncio.gather(
        *(
            asyncio.gather(
                _outcome(settle(pool, org, r["reservation_id"], 3)),
                _outcome(release(pool, org, r["reservation_id"])),
            )
            for r in reservations
        )
    )
    settled = 0
    for settle_outcome, release_outcome in results:
        assert (settle_outcome, release_outcome) in {
            ("ok", "RESERVATION_NOT_PENDING"),
            ("RESERVATION_RELEASED", "ok"),
        }
        settled += settle_outcome == "ok"
    b = await balance(pool, org)
    assert (b["reserved_credits"], b["used_this_period"]) == (0, 3 * settled)
    consumption = [t for t in await ledger(pool, org) if t["transaction_type"] == "ai_consumption"]  # type: ignore[arg-type]
    assert len(consumption) == settled
    await assert_invariants(pool, org)


async def test_rate_limit_of_ten_per_minute_under_thirty_concurrent_requests(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_free")  # question_generation: 10 rpm
    outcomes = await asyncio.gather(
        *(
            _outcome(
                reserve(
                    pool,
                    org,
                    f"k{i}",
                    "question_generation",
                    amount=Decimal("0.1"),
                    now=T0 + timedelta(milliseconds=i),
                )
            )
            for i in range(30)
        )
    )
    assert Counter(outcomes) == {"ok": 10, "RATE_LIMIT_MINUTE": 20}
    await assert_invariants(pool, org)


async def test_concurrent_settle_replays_write_one_ledger_row(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_pro")
    r = await reserve(pool, org, "k", amount=5)
    answers = await asyncio.gather(*(settle(pool, org, r["reservation_id"], "4.5") for _ in range(20)))
    assert len({a["transaction_id"] for a in answers}) == 1
    assert Counter(a["replayed"] for a in answers) == {True: 19, False: 1}
    assert (await balance(pool, org))["used_this_period"] == Decimal("4.5")
    await assert_invariants(pool, org)


async def test_concurrent_grants_with_one_key_grant_once(pool: asyncpg.Pool) -> None:
    org = await new_org(pool, "plan_pro")
    answers = await asyncio.gather(*(grant(pool, org, 100, "topup_purchase", "pi_123") for _ in range(20)))
    assert len({a["transaction_id"] for a in answers}) == 1
    assert (await balance(pool, org))["bonus_credits"] == 100
    await assert_invariants(pool, org)


async def test_expiry_racing_settles_and_reservations(fresh_db_url: str) -> None:
    pool = await create_pool(fresh_db_url, 10)
    try:
        org = await new_org(pool, "plan_pro")
        reservations = [await reserve(pool, org, f"k{i}", amount=2, ttl=1) for i in range(20)]
        late = T0 + timedelta(seconds=5)
        jobs: list[Any] = [
            _outcome(settle(pool, org, r["reservation_id"], 1, now=late)) for r in reservations
        ]
        jobs += [_outcome(expire(pool, late, 3)) for _ in range(5)]  # type: ignore[arg-type]
        jobs += [_outcome(reserve(pool, org, f"new{i}", amount=1, now=late)) for i in range(5)]
        outcomes = await asyncio.gather(*jobs)
        assert set(outcomes) == {"ok"}
        while await expire(pool, late + timedelta(hours=1)):  # type: ignore[arg-type]
            pass
        b = await balance(pool, org)
        assert (b["reserved_credits"], b["used_this_period"]) == (0, 20)
        assert (
            await pool.fetchval(
                "select count(*) from credit_reservations where organization_id = $1 and status = 'settled'",
                org,
            )
            == 20
        )
        await assert_invariants(pool)
    finally:
        await pool.close()


async def test_concurrent_rollovers_roll_each_period_once(fresh_db_url: str) -> None:
    pool = await create_pool(fresh_db_url, 6)
    try:
        orgs = [await new_org(pool, "plan_pro") for _ in range(8)]
        when = PERIOD_END + timedelta(days=40)
        rolled = await asyncio.gather(*(rollover(pool, when, 3) for _ in range(6)))  # type: ignore[arg-type]
        while more := await rollover(pool, when):  # type: ignore[arg-type]
            rolled.append(more)
        assert sum(rolled) == 2 * len(orgs)
        for org in orgs:
            types = [t["transaction_type"] for t in await ledger(pool, org)]  # type: ignore[arg-type]
            assert types == ["plan_allocation"] + ["expiration", "plan_allocation"] * 2
        await assert_invariants(pool)
    finally:
        await pool.close()
