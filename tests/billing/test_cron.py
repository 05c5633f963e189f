"""Cron handlers with Hasura cron payloads: rollover catches up missed periods; expiry frees stale holds."""

from __future__ import annotations

import asyncio
import secrets

from .helpers import Billing

ALLOCATIONS = (
    "select count(*) from credit_transactions"
    " where organization_id = $1 and transaction_type = 'plan_allocation'"
)


async def _org_months_behind(billing: Billing, months: int) -> str:
    org = "org_c" + secrets.token_hex(5)
    async with billing.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "insert into organizations (id, name, slug) values ($1, $1, $2)", org, org.replace("_", "-")
        )
        await conn.execute(
            "insert into organization_plans"
            " (organization_id, plan_id, current_period_start, current_period_end)"
            " select $1, 'plan_pro', s, s + interval '1 month'"
            " from (select (date_trunc('month', now() at time zone 'UTC') - make_interval(months => $2))"
            "       at time zone 'UTC' as s) p",
            org,
            months,
        )
    return org


async def test_rollover_catches_up_missed_periods_once(billing: Billing) -> None:
    org = await _org_months_behind(billing, 3)
    scheduled = "2026-01-01T00:05:00Z"
    responses = await asyncio.gather(
        billing.cron("rollover_billing_periods", scheduled),
        billing.cron("rollover_billing_periods", scheduled),
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert sum(r.json()["periods_rolled"] for r in responses) == 3  # each missed period exactly once
    row = await billing.fetchrow(
        "select period_start <= now() and now() < period_end as current from organization_credit_balances"
        " where organization_id = $1",
        org,
    )
    assert row["current"] is True
    allocations = await billing.fetchval(
        ALLOCATIONS,
        org,
    )
    assert allocations == 4  # the first period's and one per rolled period
    again = await billing.cron("rollover_billing_periods", scheduled)  # Hasura redelivers the same run
    assert again.status_code == 200
    assert (
        await billing.fetchval(
            ALLOCATIONS,
            org,
        )
        == 4
    )
    assert await billing.invariants(org) == []


async def test_expire_handler_releases_stale_holds(billing: Billing) -> None:
    org = await _org_months_behind(billing, 0)
    async with billing.pool.acquire() as conn:
        stale = await conn.fetchval(
            "select reserve_credits($1, 'question_generation', 'fast', 'stale', 5, 60,"
            " now() - interval '1 hour')",
            org,
        )
        fresh = await conn.fetchval(
            "select reserve_credits($1, 'question_generation', 'fast', 'fresh', 5, 600)", org
        )
    response = await billing.cron("expire_credit_reservations")
    assert response.status_code == 200, response.text
    assert response.json()["reservations_expired"] >= 1
    statuses = dict(
        await billing.fetch(
            "select id, status from credit_reservations where id = any($1)",
            [stale["reservation_id"], fresh["reservation_id"]],
        )
    )
    assert statuses == {stale["reservation_id"]: "expired", fresh["reservation_id"]: "pending"}
    assert (
        await billing.fetchval(
            "select reserved_credits from organization_credit_balances where organization_id = $1", org
        )
        == 5
    )
    again = await billing.cron("expire_credit_reservations")
    assert again.json()["reservations_expired"] == 0
    assert await billing.invariants(org) == []


async def test_cron_requires_the_shared_secret(billing: Billing) -> None:
    response = await billing.http.post(
        "/cron/rollover_billing_periods", json={"name": "rollover_billing_periods", "scheduled_time": "x"}
    )
    assert response.status_code == 401
