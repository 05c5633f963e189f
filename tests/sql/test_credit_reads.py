"""Balance reads (O(1), no ledger scan), computed fields, reconciliation and the invariant checker."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from tests.sql.credit_helpers import assert_invariants, connect, grant, new_org, reserve, settle

READERS = ["get_used_this_period", "get_available_credits", "get_spendable_credits"]
COMPUTED = [
    "organization_credit_balances_available",
    "organization_credit_balances_spendable",
    "organization_credit_balances_monthly_remaining",
]


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def test_reads_follow_every_counter(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro", overdraft=25)
    await grant(conn, org, 40, "promo_bonus", "p")
    r = await reserve(conn, org, "k1", amount=10)
    await settle(conn, org, r["reservation_id"], 6)
    await reserve(conn, org, "k2", amount=4)
    values = await conn.fetchrow(
        "select get_used_this_period($1) u, get_available_credits($1) a, get_spendable_credits($1) s", org
    )
    assert (values["u"], values["a"], values["s"]) == (6, 530, 555)  # 500 + 40 - 4 - 6, + 25
    computed = await conn.fetchrow(
        "select organization_credit_balances_available(b) a, organization_credit_balances_spendable(b) s,"
        " organization_credit_balances_monthly_remaining(b) m from organization_credit_balances b"
        " where organization_id = $1",
        org,
    )
    assert (computed["a"], computed["s"], computed["m"]) == (530, 555, 494)


async def test_reads_of_an_unknown_organization_are_zero(conn: asyncpg.Connection) -> None:
    for fn in READERS:
        assert await conn.fetchval(f"select {fn}('org_missing')") == 0


def _relations(plan: Any) -> Iterator[str]:
    if isinstance(plan, dict):
        if "Relation Name" in plan:
            yield plan["Relation Name"]
        for value in plan.values():
            yield from _relations(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from _relations(item)


@pytest.mark.parametrize("fn", READERS)
async def test_read_functions_touch_only_the_balance_row(conn: asyncpg.Connection, fn: str) -> None:
    org = await new_org(conn)
    source = await conn.fetchval("select prosrc from pg_proc where proname = $1", fn)
    assert "credit_transactions" not in source
    assert "organization_credit_balances" in source
    # The body, planned with the argument bound: one index lookup on the balance row, nothing else.
    body = source.strip().replace("org_id", "$1")
    plan = json.loads(await conn.fetchval(f"explain (format json) {body}", org))
    assert set(_relations(plan)) == {"organization_credit_balances"}
    text = json.dumps(plan)
    assert "Index Scan" in text or "Index Only Scan" in text
    assert "Seq Scan" not in text


@pytest.mark.parametrize("fn", COMPUTED)
async def test_computed_fields_take_the_row_and_read_no_table(conn: asyncpg.Connection, fn: str) -> None:
    row = await conn.fetchrow(
        "select pg_get_function_arguments(p.oid) args, p.provolatile::text volatility, p.prosrc"
        " from pg_proc p where proname = $1",
        fn,
    )
    assert row["args"] == "balance organization_credit_balances"
    assert row["volatility"] in ("s", "i")
    assert "from" not in row["prosrc"].lower()


async def test_reconcile_and_invariants_are_empty_for_consistent_data(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", amount=5)
    await settle(conn, org, r["reservation_id"], 3)
    await reserve(conn, org, "k2", amount=2)
    assert await conn.fetch("select * from reconcile_credit_balances($1)", org) == []
    await assert_invariants(conn, org)
    await assert_invariants(conn)


async def test_drift_is_reported(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn)
        await reserve(conn, org, "k", amount=5)
        # Simulate corruption that no credit function can cause.
        await conn.execute(
            "update organization_credit_balances set used_this_period = 7, reserved_credits = 1"
            " where organization_id = $1",
            org,
        )
        drift = {
            (d["item"], d["stored"], d["expected"], d["drift"])
            for d in await conn.fetch("select * from reconcile_credit_balances($1)", org)
        }
        assert drift == {
            ("used_this_period", Decimal("7.00"), Decimal("0.00"), Decimal("7.00")),
            ("reserved_credits", Decimal("1.00"), Decimal("5.00"), Decimal("-4.00")),
        }
        violations = {
            v["invariant"] for v in await conn.fetch("select * from check_credit_invariants($1)", org)
        }
        assert violations == {"ledger_sum", "reserved_sum"}
    finally:
        await conn.close()


async def test_invariant_checker_sees_broken_reservations_periods_and_triggers(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn)
        r = await reserve(conn, org, "k", amount=5)
        await conn.execute(
            "update organization_credit_balances set reserved_credits = 0 where organization_id = $1", org
        )
        await conn.execute(
            "update credit_reservations set status = 'settled', settled_credits = 5, settled_at = now()"
            " where id = $1",
            r["reservation_id"],
        )
        await conn.execute(
            "update organization_plans set current_period_end = current_period_end + interval '1 day'"
            " where organization_id = $1",
            org,
        )
        await conn.execute(
            "alter table credit_transactions disable trigger credit_transactions_refuse_update_delete"
        )
        await conn.execute("update credit_transactions set balance_after = 1 where organization_id = $1", org)
        found = {
            (v["organization_id"], v["invariant"])
            for v in await conn.fetch("select * from check_credit_invariants()")
        }
        assert found == {
            (org, "reservation_ended_once"),
            (org, "period_in_step"),
            (org, "balance_after"),
            (None, "ledger_immutable"),
        }
    finally:
        await conn.close()


async def test_ledger_rows_cannot_be_changed(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    with pytest.raises(asyncpg.PostgresError):
        await conn.execute(
            "update credit_transactions set credits_amount = 1 where organization_id = $1", org
        )
    with pytest.raises(asyncpg.PostgresError):
        await conn.execute("delete from credit_transactions where organization_id = $1", org)
