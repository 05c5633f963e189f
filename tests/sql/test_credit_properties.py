"""Property: any sequence of credit operations on a few organizations keeps every invariant after every step,
a reservation succeeds exactly when spendable covers it, and each successful operation moves the counters it
documents. Each example gets fresh organizations in one module database (fast), time only moves forward."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sql.credit_helpers import T0, balance, connect, new_org

ORGS = 3
# Mostly small amounts (many operations fit a balance), sometimes large ones (overdraft, debt, refusals).
amounts = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2),
)
org_index = st.integers(0, ORGS - 1)
reserve_op = st.tuples(
    st.just("reserve"),
    org_index,
    st.integers(0, 8),
    amounts,
    st.sampled_from(
        [
            ("question_generation", "fast"),
            ("testimonial_polish", "enhanced"),
            ("testimonial_assembly", "premium"),
        ]
    ),
)
settle_op = st.tuples(
    st.just("settle"), org_index, st.integers(0, 20), st.one_of(st.just(Decimal(0)), amounts)
)
operation = st.one_of(
    reserve_op,
    reserve_op,
    reserve_op,
    settle_op,
    settle_op,
    st.tuples(st.just("release"), org_index, st.integers(0, 20)),
    st.tuples(st.just("expire"), st.integers(1, 600)),
    st.tuples(
        st.just("grant"),
        org_index,
        st.integers(0, 3),
        st.sampled_from(["promo_bonus", "topup_purchase", "admin_adjustment", "topup_refund"]),
        amounts,
    ),
    st.tuples(st.just("rollover"), st.integers(1, 45)),
    st.tuples(st.just("change_plan"), org_index, st.sampled_from(["plan_free", "plan_pro", "plan_team"])),
    st.tuples(st.just("cancel_plan_change"), org_index),
)


@pytest.fixture(scope="module")
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def _call(conn: asyncpg.Connection, sql: str, *args: Any) -> tuple[str, Any]:
    """('ok', answer) or (code, None) for a credit error; any other database error fails the property."""
    try:
        return "ok", await conn.fetchval(sql, *args)
    except asyncpg.PostgresError as err:
        assert err.sqlstate == "CR001", f"{sql} {args}: unexpected {err!r}"
        return str(err.detail), None


async def _spendable(conn: asyncpg.Connection, org: str) -> Decimal:
    return await conn.fetchval("select get_spendable_credits($1)", org)


async def _step(
    conn: asyncpg.Connection, orgs: list[str], held: dict[str, list[str]], now: datetime, op: tuple[Any, ...]
) -> datetime:
    kind = op[0]
    if kind == "reserve":
        _, i, key, amount, (capability, level) = op
        org = orgs[i]
        before = await balance(conn, org)
        spendable = await _spendable(conn, org)
        code, answer = await _call(
            conn,
            "select reserve_credits($1, $2, $3, $4, $5, 300, $6)",
            org,
            capability,
            level,
            f"key{key}",
            amount,
            now,
        )
        if code == "ok" and not answer["replayed"]:
            assert spendable >= amount  # invariant 3
            assert (await balance(conn, org))["reserved_credits"] == before["reserved_credits"] + amount
            held[org].append(answer["reservation_id"])
        elif code == "INSUFFICIENT_CREDITS":
            assert spendable < amount
            assert await balance(conn, org) == before
        elif code != "ok":
            assert await balance(conn, org) == before
    elif kind == "settle":
        _, i, which, actual = op
        org = orgs[i]
        if held[org]:
            before = await balance(conn, org)
            code, answer = await _call(
                conn,
                "select settle_credits($1, $2, $3, null, null, $4)",
                org,
                held[org][which % len(held[org])],
                actual,
                now,
            )
            after = await balance(conn, org)
            if code == "ok" and not answer["replayed"]:
                assert after["used_this_period"] == before["used_this_period"] + actual
            else:
                assert after == before
    elif kind == "release":
        _, i, which = op
        org = orgs[i]
        if held[org]:
            await _call(
                conn,
                "select release_credits($1, $2, 'property', $3)",
                org,
                held[org][which % len(held[org])],
                now,
            )
    elif kind == "expire":
        now += timedelta(seconds=op[1])
        await _call(conn, "select expire_reservations($1, 1000)", now)
    elif kind == "grant":
        _, i, key, grant_type, amount = op
        signed = (
            -amount
            if grant_type == "topup_refund" or (grant_type == "admin_adjustment" and key % 2)
            else amount
        )
        org = orgs[i]
        before = await balance(conn, org)
        code, answer = await _call(
            conn,
            "select grant_credits($1, $2, $3, $4, null, null, $5)",
            org,
            signed,
            grant_type,
            f"grant{key}",
            now,
        )
        after = await balance(conn, org)
        settled = (after["monthly_credits"] + after["bonus_credits"] - after["used_this_period"]) - (
            before["monthly_credits"] + before["bonus_credits"] - before["used_this_period"]
        )
        assert settled == (signed if code == "ok" and not answer["replayed"] else 0)
    elif kind == "rollover":
        now += timedelta(days=op[1])
        await _call(conn, "select rollover_periods($1, 1000)", now)
    elif kind == "change_plan":
        await _call(conn, "select change_plan($1, $2, $3)", orgs[op[1]], op[2], now)
    else:
        await _call(conn, "select cancel_plan_change($1)", orgs[op[1]])
    return now


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plans=st.lists(
        st.sampled_from(["plan_free", "plan_pro", "plan_pro", "plan_team"]), min_size=ORGS, max_size=ORGS
    ),
    overdrafts=st.lists(st.sampled_from([0, 0, 25]), min_size=ORGS, max_size=ORGS),
    ops=st.lists(operation, min_size=15, max_size=40),
)
async def test_random_operation_sequences_keep_every_invariant(
    conn: asyncpg.Connection, plans: list[str], overdrafts: list[int], ops: list[tuple[Any, ...]]
) -> None:
    # Each example starts where every earlier example's clock stopped, so the rollovers of earlier examples'
    # organizations are never in this example's future in a way that matters; its own orgs start at T0.
    orgs = [await new_org(conn, plan, overdraft=od) for plan, od in zip(plans, overdrafts, strict=True)]
    held: dict[str, list[str]] = {org: [] for org in orgs}
    now = T0
    for op in ops:
        now = await _step(conn, orgs, held, now, op)
        for org in orgs:
            violations = await conn.fetch("select * from check_credit_invariants($1)", org)
            assert [dict(v) for v in violations] == [], f"after {op}"
    assert await conn.fetch("select * from check_credit_invariants(null) where organization_id is null") == []
