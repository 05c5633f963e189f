"""Hasura- and Stripe-shaped requests to the service, and database reads for assertions."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from devkit.fake_stripe import FakeStripe, sign

SECRET = "test-billing-secret-0123456789"
SECRET_HEADER = "X-Credits-Action-Secret"


def session(role: str, org: str, user: str | None = None) -> dict[str, str]:
    return {"x-hasura-role": role, "x-hasura-organization-id": org, "x-hasura-user-id": user or f"usr_{role}"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def event_payload(
    trigger: str, table: str, row: dict[str, Any], current_retry: int = 0, max_retries: int = 5
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(UTC).isoformat(),
        "trigger": {"name": trigger},
        "table": {"schema": "public", "name": table},
        "event": {
            "op": "INSERT",
            "data": {"old": None, "new": {k: _jsonable(v) for k, v in row.items()}},
            "session_variables": None,
            "trace_context": {"trace_id": "t", "span_id": "s"},
        },
        "delivery_info": {"current_retry": current_retry, "max_retries": max_retries},
    }


def cron_payload(name: str, scheduled_time: str | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "scheduled_time": scheduled_time or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:00Z"),
        "payload": {},
    }


@dataclass
class Billing:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    stripe: FakeStripe

    async def action(self, name: str, args: dict[str, Any], variables: dict[str, str]) -> httpx.Response:
        body = {
            "action": {"name": name},
            "input": args,
            "session_variables": variables,
            "request_query": f"mutation {{ {name} {{ __typename }} }}",
        }
        return await self.http.post("/actions", json=body, headers={SECRET_HEADER: SECRET})

    async def checkout(self, org: str = "org_pro", package: str = "pkg_starter", role: str = "owner") -> str:
        response = await self.action(
            "createTopupCheckout",
            {"packageId": package, "successUrl": "https://app.test/ok", "cancelUrl": "https://app.test/no"},
            session(role, org),
        )
        assert response.status_code == 200, response.text
        return response.json()["purchaseId"]

    async def send_webhook(self, event: dict[str, Any], **sign_args: Any) -> httpx.Response:
        payload = json.dumps(event)
        return await self.http.post(
            "/webhooks/stripe",
            content=payload,
            headers={"stripe-signature": sign(payload, **sign_args), "content-type": "application/json"},
        )

    async def deliver_trigger(
        self, trigger: str, table: str, row: dict[str, Any], **kw: Any
    ) -> httpx.Response:
        return await self.http.post(
            f"/events/{trigger}",
            json=event_payload(trigger, table, row, **kw),
            headers={SECRET_HEADER: SECRET},
        )

    async def deliver_stripe_event(self, event_id: str) -> httpx.Response:
        """What Hasura's stripe_events insert trigger sends for a stored event."""
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                "select id, type, livemode, received_at from stripe_events where id = $1", event_id
            )
        assert row is not None, f"event {event_id} was not stored"
        return await self.deliver_trigger("stripe_event_process", "stripe_events", dict(row))

    async def stripe_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """Stripe sends the webhook, then Hasura delivers the insert trigger."""
        response = await self.send_webhook(event)
        assert response.status_code == 200, response.text
        delivered = await self.deliver_stripe_event(event["id"])
        assert delivered.status_code == 200, delivered.text
        return delivered.json()

    async def cron(self, name: str, scheduled_time: str | None = None) -> httpx.Response:
        return await self.http.post(
            f"/cron/{name}", json=cron_payload(name, scheduled_time), headers={SECRET_HEADER: SECRET}
        )

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            return await conn.fetchrow(sql, *args)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            return await conn.fetch(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        async with self.pool.acquire() as conn:
            return await conn.execute(sql, *args)

    async def purchase(self, purchase_id: str) -> asyncpg.Record:
        row = await self.fetchrow("select * from credit_purchases where id = $1", purchase_id)
        assert row is not None
        return row

    async def bonus(self, org: str) -> Decimal:
        return await self.fetchval(
            "select bonus_credits from organization_credit_balances where organization_id = $1", org
        )

    async def invariants(self, org: str | None = None) -> list[tuple[Any, ...]]:
        rows = await self.fetch("select * from check_credit_invariants($1)", org)
        return [tuple(r) for r in rows]

    async def topup_rows(self, org: str) -> list[asyncpg.Record]:
        return await self.fetch(
            "select * from credit_transactions where organization_id = $1 and transaction_type in"
            " ('topup_purchase', 'topup_refund') order by ledger_seq",
            org,
        )


async def new_org(pool: asyncpg.Pool, plan: str = "plan_pro") -> str:
    """A fresh organization on `plan` for the current calendar month, with an owner user, starting from its
    allocation alone: no welcome bonus, so tests see only the credits they move."""
    org = "org_b" + secrets.token_hex(5)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "insert into organizations (id, name, slug) values ($1, $1, $2)", org, org.replace("_", "-")
        )
        await conn.execute(
            "insert into organization_plans"
            " (organization_id, plan_id, current_period_start, current_period_end, welcome_bonus_credits)"
            " select $1, $2, date_trunc('month', now() at time zone 'UTC') at time zone 'UTC',"
            " (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC', 0",
            org,
            plan,
        )
    return org
