"""Hasura-shaped requests to the service, and database snapshots to prove nothing was written."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

SECRET = "test-action-secret-0123456789"
SECRET_HEADER = "X-Credits-Action-Secret"


def session(role: str, org: str | None = None, user: str = "usr_test", **extra: str) -> dict[str, str]:
    """Session variables the way Hasura might send them; keys deliberately mixed-case (we must lower them)."""
    variables = {"X-Hasura-Role": role, "x-hasura-User-Id": user, **extra}
    if org is not None:
        variables["X-Hasura-Organization-Id"] = org
    return variables


SERVICE_PRO = session("service", "org_pro")
ADMIN = session("admin")


def body(action: str, args: dict[str, Any], variables: dict[str, str] | None) -> dict[str, Any]:
    return {
        "action": {"name": action},
        "input": args,
        "session_variables": variables,
        "request_query": f"mutation {{ {action} {{ __typename }} }}",
        "trace_context": {"trace_id": "abc", "span_id": "def"},  # unknown to us: must be ignored
    }


@dataclass
class Hasura:
    http: httpx.AsyncClient
    pool: asyncpg.Pool

    async def call(
        self,
        action: str,
        args: dict[str, Any],
        variables: dict[str, str] | None,
        secret: str | None = SECRET,
    ) -> httpx.Response:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return await self.http.post("/actions", json=body(action, args, variables), headers=headers)

    async def ok(self, action: str, args: dict[str, Any], variables: dict[str, str] | None) -> dict[str, Any]:
        response = await self.call(action, args, variables)
        assert response.status_code == 200, response.text
        return response.json()

    async def error(
        self, action: str, args: dict[str, Any], variables: dict[str, str] | None, status: int = 400
    ) -> str:
        """Call, expect a Hasura error response, return its code (and check nothing was written)."""
        before = await snapshot(self.pool)
        response = await self.call(action, args, variables)
        assert response.status_code == status, response.text
        payload = response.json()
        assert set(payload) == {"message", "extensions"}, payload
        assert payload["message"]
        assert await snapshot(self.pool) == before, "a refused call changed the database"
        return payload["extensions"]["code"]

    async def reserve(self, org: str = "org_pro", **args: Any) -> dict[str, Any]:
        values = {"capability": "question_generation", "qualityLevel": "fast", "idempotencyKey": key()}
        values.update(args)
        return await self.ok("reserveCredits", values, session("service", org))


def key(prefix: str = "k") -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


SNAPSHOT_SQL = """
select
  (select count(*) from credit_transactions),
  (select count(*) from credit_reservations),
  (select coalesce(md5(string_agg(r::text, ',' order by r.id)), '') from credit_reservations r),
  (select coalesce(md5(string_agg(b::text, ',' order by b.id)), '') from organization_credit_balances b),
  (select coalesce(md5(string_agg(p::text, ',' order by p.id)), '') from organization_plans p),
  (select count(*) from credit_notifications)
"""


async def snapshot(pool: asyncpg.Pool) -> tuple[Any, ...]:
    async with pool.acquire() as conn:
        return tuple(await conn.fetchrow(SNAPSHOT_SQL))


async def balance(pool: asyncpg.Pool, org: str) -> dict[str, Decimal]:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "select monthly_credits, bonus_credits, reserved_credits, used_this_period"
            " from organization_credit_balances where organization_id = $1",
            org,
        )
    return dict(row)


def _slug(org: str) -> str:
    return org.replace("_", "-")


async def new_org(pool: asyncpg.Pool, plan: str = "plan_pro") -> str:
    """A new organization on `plan` for the current calendar month (balance provisioned by trigger), starting
    from its allocation alone: no welcome bonus, so tests see only the credits they move."""
    org = "org_t" + secrets.token_hex(5)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("insert into organizations (id, name, slug) values ($1, $1, $2)", org, _slug(org))
        await conn.execute(
            "insert into organization_plans"
            " (organization_id, plan_id, current_period_start, current_period_end, welcome_bonus_credits)"
            " select $1, $2, date_trunc('month', now() at time zone 'UTC') at time zone 'UTC',"
            " (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC', 0",
            org,
            plan,
        )
    return org


async def new_org_without_plan(pool: asyncpg.Pool) -> str:
    org = "org_n" + secrets.token_hex(5)
    async with pool.acquire() as conn:
        await conn.execute("insert into organizations (id, name, slug) values ($1, $1, $2)", org, _slug(org))
    return org
