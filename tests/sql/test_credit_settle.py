"""settle_credits, release_credits, expire_reservations: each reservation ends exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    T0,
    assert_invariants,
    balance,
    connect,
    expect_error,
    expire,
    ledger,
    new_org,
    release,
    reserve,
    settle,
)


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def test_settle_moves_the_hold_into_usage_with_one_ledger_row(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "testimonial_assembly", "enhanced")  # 3.00
    s = await settle(
        conn,
        org,
        r["reservation_id"],
        "3.40",
        request_id="req-1",
        metadata={"tokens": 812},
        now=T0 + timedelta(seconds=5),
    )
    assert (s["status"], s["settled_credits"], s["settled_late"], s["replayed"]) == (
        "settled",
        Decimal("3.40"),
        False,
        False,
    )
    assert (s["credits_amount"], s["estimated_credits"], s["estimation_variance"]) == (
        Decimal("-3.40"),
        Decimal("3.00"),
        Decimal("0.40"),
    )
    assert s["balance_after"] == Decimal("496.60")
    b = await balance(conn, org)
    assert (b["reserved_credits"], b["used_this_period"]) == (0, Decimal("3.40"))
    rows = [t for t in await ledger(conn, org) if t["transaction_type"] == "ai_consumption"]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == s["transaction_id"]
    assert (row["reservation_id"], row["llm_model_id"], row["ai_capability_id"], row["quality_level_id"]) == (
        r["reservation_id"],
        "llm_gpt_4o",
        "cap_testimonial_assembly",
        "ql_enhanced",
    )
    assert row["provider_request_id"] == "req-1"
    assert row["provider_metadata"] == {"tokens": 812}
    assert row["idempotency_key"] == f"settle:{r['reservation_id']}"
    await assert_invariants(conn, org)


async def test_settle_below_the_estimate_has_negative_variance(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=2)
    s = await settle(conn, org, r["reservation_id"], "0.75")
    assert s["estimation_variance"] == Decimal("-1.25")
    assert (await balance(conn, org))["used_this_period"] == Decimal("0.75")


async def test_settle_beyond_the_hold_charges_into_overdraft_and_blocks_reservations(
    conn: asyncpg.Connection,
) -> None:
    org = await new_org(conn, "plan_free", overdraft=2)  # 10 credits, spendable 12
    # A hold of 2: the settle ceiling allows up to 10x the hold.
    r = await reserve(conn, org, "k", "question_generation", "fast", amount=2)
    s = await settle(conn, org, r["reservation_id"], 15)
    assert s["balance"]["available"] == -5
    assert s["balance"]["spendable"] == -3
    await expect_error("INSUFFICIENT_CREDITS", reserve(conn, org, "k2", "question_generation", "fast"))
    await assert_invariants(conn, org)


async def test_settle_zero_ends_the_reservation_without_a_ledger_row(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=4)
    s = await settle(conn, org, r["reservation_id"], 0)
    assert (s["status"], s["settled_credits"], s["transaction_id"]) == ("settled", 0, None)
    assert (await balance(conn, org))["reserved_credits"] == 0
    assert [t["transaction_type"] for t in await ledger(conn, org)] == ["plan_allocation"]
    again = await settle(conn, org, r["reservation_id"], 0)
    assert (again["replayed"], again["transaction_id"]) == (True, None)
    await assert_invariants(conn, org)


async def test_settle_replay_returns_the_same_row_and_another_amount_is_refused(
    conn: asyncpg.Connection,
) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=2)
    first = await settle(conn, org, r["reservation_id"], "1.50")
    again = await settle(conn, org, r["reservation_id"], "1.50")
    assert again["replayed"] is True
    assert again["transaction_id"] == first["transaction_id"]
    assert again["balance_after"] == first["balance_after"]
    await expect_error("RESERVATION_ALREADY_SETTLED", settle(conn, org, r["reservation_id"], "1.51"))
    assert (await balance(conn, org))["used_this_period"] == Decimal("1.50")
    await assert_invariants(conn, org)


async def test_settle_released_is_refused(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k")
    await release(conn, org, r["reservation_id"])
    await expect_error("RESERVATION_RELEASED", settle(conn, org, r["reservation_id"], 1))
    assert (await balance(conn, org))["used_this_period"] == 0


async def test_settle_after_expiry_is_charged_and_flagged_late(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=3, ttl=60)
    assert await expire(conn, T0 + timedelta(minutes=2)) >= 1
    assert (await balance(conn, org))["reserved_credits"] == 0
    s = await settle(conn, org, r["reservation_id"], "2.5", now=T0 + timedelta(minutes=3))
    assert (s["status"], s["settled_late"]) == ("settled", True)
    assert s["expired_at"] is not None
    b = await balance(conn, org)
    assert (b["reserved_credits"], b["used_this_period"]) == (0, Decimal("2.50"))
    await assert_invariants(conn, org)


async def test_settle_of_another_organizations_reservation_is_not_found(conn: asyncpg.Connection) -> None:
    owner, other = await new_org(conn), await new_org(conn)
    r = await reserve(conn, owner, "k")
    await expect_error("RESERVATION_NOT_FOUND", settle(conn, other, r["reservation_id"], 1))
    await expect_error("RESERVATION_NOT_FOUND", release(conn, other, r["reservation_id"]))
    await expect_error("RESERVATION_NOT_FOUND", settle(conn, owner, "nope", 1))
    assert (
        await conn.fetchval("select status from credit_reservations where id = $1", r["reservation_id"])
        == "pending"
    )


@pytest.mark.parametrize("amount", ["-0.01", "NaN", "0.001", "2000000000"])
async def test_settle_bad_amounts_are_refused(conn: asyncpg.Connection, amount: str) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k")
    await expect_error("INVALID_AMOUNT", settle(conn, org, r["reservation_id"], amount))
    assert (
        await conn.fetchval("select status from credit_reservations where id = $1", r["reservation_id"])
        == "pending"
    )


async def test_settle_metadata_must_be_an_object(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k")
    await expect_error(
        "INVALID_ARGUMENT",
        conn.fetchval("select settle_credits($1, $2, 1, null, '[1]'::jsonb)", org, r["reservation_id"]),
    )
    await expect_error(
        "INVALID_AMOUNT", conn.fetchval("select settle_credits($1, $2, null)", org, r["reservation_id"])
    )


async def test_release_gives_the_hold_back_once(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=7)
    rel = await release(conn, org, r["reservation_id"], "provider timeout")
    assert (rel["status"], rel["release_reason"], rel["replayed"]) == ("released", "provider timeout", False)
    assert rel["balance"]["reserved"] == 0
    again = await release(conn, org, r["reservation_id"], "retry")
    assert (again["status"], again["replayed"], again["release_reason"]) == (
        "released",
        True,
        "provider timeout",
    )
    assert (await balance(conn, org))["reserved_credits"] == 0
    assert [t["transaction_type"] for t in await ledger(conn, org)] == ["plan_allocation"]
    await assert_invariants(conn, org)


async def test_release_of_settled_is_refused(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k")
    await settle(conn, org, r["reservation_id"], 1)
    await expect_error("RESERVATION_NOT_PENDING", release(conn, org, r["reservation_id"]))


async def test_release_of_expired_changes_no_balance_and_blocks_a_late_settle(
    conn: asyncpg.Connection,
) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=3, ttl=1)
    await expire(conn, T0 + timedelta(seconds=2))
    before = await balance(conn, org)
    rel = await release(conn, org, r["reservation_id"], now=T0 + timedelta(seconds=3))
    assert rel["status"] == "released"
    assert await balance(conn, org) == before
    await expect_error("RESERVATION_RELEASED", settle(conn, org, r["reservation_id"], 1))
    await assert_invariants(conn, org)


@pytest.mark.parametrize("reason", [None, " ", "x" * 1001])
async def test_release_needs_a_reason(conn: asyncpg.Connection, reason: str | None) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k")
    await expect_error("INVALID_ARGUMENT", release(conn, org, r["reservation_id"], reason))  # type: ignore[arg-type]


async def test_expire_only_past_deadlines_in_batches(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn)
        short = [await reserve(conn, org, f"s{i}", amount=1, ttl=60) for i in range(5)]
        long = await reserve(conn, org, "long", amount=10, ttl=3600)
        later = T0 + timedelta(minutes=5)
        assert await expire(conn, later, batch=3) == 3
        assert await expire(conn, later, batch=3) == 2
        assert await expire(conn, later, batch=3) == 0
        statuses = await conn.fetch(
            "select id, status from credit_reservations where organization_id = $1", org
        )
        by_id = {s["id"]: s["status"] for s in statuses}
        assert all(by_id[r["reservation_id"]] == "expired" for r in short)
        assert by_id[long["reservation_id"]] == "pending"
        assert (await balance(conn, org))["reserved_credits"] == 10
        await assert_invariants(conn)
    finally:
        await conn.close()


async def test_expire_skips_an_organization_whose_balance_is_locked(fresh_db_url: str) -> None:
    conn, busy = await connect(fresh_db_url), await connect(fresh_db_url)
    try:
        org = await new_org(conn)
        await reserve(conn, org, "k", ttl=1)
        async with busy.transaction():
            await busy.execute(
                "select 1 from organization_credit_balances where organization_id = $1 for update", org
            )
            assert await expire(conn, T0 + timedelta(minutes=1)) == 0
        assert await expire(conn, T0 + timedelta(minutes=1)) == 1
    finally:
        await conn.close()
        await busy.close()


async def test_expire_bad_batch(conn: asyncpg.Connection) -> None:
    await expect_error("INVALID_ARGUMENT", expire(conn, T0, batch=0))
