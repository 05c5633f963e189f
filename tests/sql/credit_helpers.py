"""Helpers shared by the credit-core SQL tests: connections, organizations, calls, errors, invariants."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

# Every test organization starts a period here unless it asks otherwise; tests pass times explicitly.
T0 = datetime(2026, 1, 1, tzinfo=UTC)
PERIOD_END = datetime(2026, 2, 1, tzinfo=UTC)

Json = dict[str, Any]


async def _init(conn: asyncpg.Connection) -> None:
    # Decimal, never float: credit amounts are compared exactly.
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=json.dumps,
        decoder=lambda text: json.loads(text, parse_float=Decimal),
    )


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    await _init(conn)
    return conn


async def create_pool(url: str, size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(url, min_size=size, max_size=size, init=_init)
    assert pool is not None
    return pool


async def new_org(
    conn: asyncpg.Connection | asyncpg.Pool,
    plan: str = "plan_pro",
    *,
    start: datetime = T0,
    end: datetime | None = None,
    overdraft: Decimal | int = 0,
    threshold: Decimal | int | None = None,
) -> str:
    """An organization on `plan` from `start`; the plan insert provisions its balance and first allocation.

    It starts from the allocation alone (no welcome bonus) so the credit arithmetic under test is the only
    change; provisioning and its welcome bonus are tested in test_schema_provisioning."""
    org = "org_" + secrets.token_hex(6)
    await conn.execute(
        "insert into organizations (id, name, slug) values ($1, $1, $2)", org, org.replace("_", "-")
    )
    await conn.execute(
        "insert into organization_plans"
        " (organization_id, plan_id, current_period_start, current_period_end, welcome_bonus_credits)"
        " values ($1, $2, $3, $4, 0)",
        org,
        plan,
        start,
        end or start + _one_month(start),
    )
    if overdraft or threshold is not None:
        await conn.execute(
            "update organization_credit_balances set overdraft_limit = $2, low_balance_threshold = $3"
            " where organization_id = $1",
            org,
            Decimal(overdraft),
            None if threshold is None else Decimal(threshold),
        )
    return org


def _one_month(start: datetime) -> timedelta:
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return start.replace(year=year, month=month) - start


async def balance(conn: asyncpg.Connection | asyncpg.Pool, org: str) -> asyncpg.Record:
    row = await conn.fetchrow("select * from organization_credit_balances where organization_id = $1", org)
    assert row is not None
    return row


async def access(conn: asyncpg.Connection, org: str, capability: str, level: str, now: datetime = T0) -> Json:
    return await conn.fetchval("select ai_access_check($1, $2, $3, $4)", org, capability, level, now)


async def reserve(
    conn: asyncpg.Connection | asyncpg.Pool,
    org: str,
    key: str,
    capability: str = "testimonial_polish",
    level: str = "fast",
    amount: Decimal | int | None = None,
    ttl: int = 300,
    now: datetime = T0,
) -> Json:
    return await conn.fetchval(
        "select reserve_credits($1, $2, $3, $4, $5, $6, $7)",
        org,
        capability,
        level,
        key,
        None if amount is None else Decimal(amount),
        ttl,
        now,
    )


async def settle(
    conn: asyncpg.Connection | asyncpg.Pool,
    org: str,
    reservation_id: str,
    actual: Decimal | int | str,
    *,
    request_id: str | None = None,
    metadata: Json | None = None,
    now: datetime = T0,
) -> Json:
    return await conn.fetchval(
        "select settle_credits($1, $2, $3, $4, $5, $6)",
        org,
        reservation_id,
        Decimal(actual),
        request_id,
        metadata,
        now,
    )


async def release(
    conn: asyncpg.Connection | asyncpg.Pool,
    org: str,
    reservation_id: str,
    reason: str = "call failed",
    now: datetime = T0,
) -> Json:
    return await conn.fetchval("select release_credits($1, $2, $3, $4)", org, reservation_id, reason, now)


async def grant(
    conn: asyncpg.Connection | asyncpg.Pool,
    org: str,
    amount: Decimal | int | str,
    kind: str,
    key: str,
    *,
    description: str | None = None,
    now: datetime = T0,
) -> Json:
    return await conn.fetchval(
        "select grant_credits($1, $2, $3, $4, $5, null, $6)",
        org,
        Decimal(amount),
        kind,
        key,
        description,
        now,
    )


async def change_plan(conn: asyncpg.Connection, org: str, plan: str, now: datetime = T0) -> Json:
    return await conn.fetchval("select change_plan($1, $2, $3)", org, plan, now)


async def rollover(conn: asyncpg.Connection, now: datetime, batch: int = 100) -> int:
    return await conn.fetchval("select rollover_periods($1, $2)", now, batch)


async def expire(conn: asyncpg.Connection, now: datetime, batch: int = 500) -> int:
    return await conn.fetchval("select expire_reservations($1, $2)", now, batch)


async def ledger(conn: asyncpg.Connection, org: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from credit_transactions where organization_id = $1 order by ledger_seq", org
    )


async def notifications(conn: asyncpg.Connection, org: str) -> list[tuple[str, int]]:
    rows = await conn.fetch(
        "select kind, episode from credit_notifications where organization_id = $1"
        " order by created_at, episode, kind",
        org,
    )
    return [(r["kind"], r["episode"]) for r in rows]


async def expect_error(code: str, awaitable: Any) -> asyncpg.PostgresError:
    """Awaits a call that must fail with SQLSTATE CR001 and DETAIL `code`."""
    with pytest.raises(asyncpg.PostgresError) as caught:
        await awaitable
    err = caught.value
    assert err.sqlstate == "CR001", f"expected CR001/{code}, got {err.sqlstate}: {err}"
    assert err.detail == code, f"expected {code}, got {err.detail}: {err}"
    return err


async def assert_invariants(conn: asyncpg.Connection | asyncpg.Pool, org: str | None = None) -> None:
    violations = await conn.fetch("select * from check_credit_invariants($1)", org)
    assert [dict(v) for v in violations] == []
