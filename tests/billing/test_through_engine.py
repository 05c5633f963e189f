"""Browser → gqlengine (hasura/metadata) → service → fake Stripe; Stripe → webhook → the engine's event
trigger → fulfilment; a low-balance notice → the engine's event trigger → a signed delivery. Real HTTP.

Proves the metadata this work added (event triggers, cron triggers, the action) is wired to the handlers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import jwt
import pytest

from actions.app import create_app
from actions.settings import Settings
from devkit.fake_stripe import FakeStripeServer, completed_session, sign
from tests.servers import engine_env, free_port, serving, start_uvicorn

from .helpers import SECRET
from .receiver import Receiver

ADMIN_SECRET = "billing-engine-admin-secret"
JWT_KEY = "billing-engine-jwt-key-0123456789abcdef0123456789"
ORG_SECRET = "engine-org-secret-0123456789"


@pytest.fixture(scope="module")
def service_url(db_url: str, billing_env: None) -> Iterator[str]:
    settings = Settings(environment="test", database_url=db_url, hasura_action_secret=SECRET, pool_max_size=4)
    server, thread, port = start_uvicorn(create_app(settings))
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def engine_url(db_url: str, service_url: str) -> Iterator[str]:
    port = free_port()
    env = engine_env(
        db_url,
        port,
        admin_secret=ADMIN_SECRET,
        jwt_key=JWT_KEY,
        ACTIONS_BASE_URL=service_url,
        CREDITS_HASURA_ACTION_SECRET=SECRET,
    )
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], env, f"{base}/healthz"):
        yield base


async def _graphql(engine_url: str, query: str, role: str, org: str) -> dict[str, Any]:
    claims = {
        "x-hasura-default-role": role,
        "x-hasura-allowed-roles": [role],
        "x-hasura-user-id": "usr_pro_owner",
        "x-hasura-organization-id": org,
    }
    token = jwt.encode(
        {"sub": "usr_pro_owner", "https://hasura.io/jwt/claims": claims}, JWT_KEY, algorithm="HS256"
    )
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{engine_url}/v1/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return response.json()


async def _eventually(db_url: str, sql: str, *args: Any, expected: Any) -> Any:
    """Poll until the engine's asynchronous delivery has happened (bounded; not a speed assertion)."""
    conn = await asyncpg.connect(db_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            value = await conn.fetchval(sql, *args)
            if value == expected or time.monotonic() > deadline:
                return value
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def _event_log(db_url: str) -> list[Any]:
    conn = await asyncpg.connect(db_url)
    try:
        rows = await conn.fetch(
            "select e.trigger_name, e.delivered, e.error, e.tries, l.status, l.response"
            " from hdb_catalog.event_log e left join hdb_catalog.event_invocation_logs l on l.event_id = e.id"
        )
        return [tuple(r) for r in rows]
    finally:
        await conn.close()


CHECKOUT = """mutation { createTopupCheckout(packageId: "pkg_starter", successUrl: "https://app.test/ok",
  cancelUrl: "https://app.test/cancel") { url purchaseId } }"""


async def test_checkout_webhook_and_fulfilment_through_the_engine(
    engine_url: str, service_url: str, db_url: str, stripe_server: FakeStripeServer
) -> None:
    out = await _graphql(engine_url, CHECKOUT, "owner", "org_pro")
    purchase_id = out["data"]["createTopupCheckout"]["purchaseId"]
    denied = await _graphql(engine_url, CHECKOUT, "member", "org_pro")
    assert denied.get("data") is None and denied["errors"]

    conn = await asyncpg.connect(db_url)
    try:
        session_id = await conn.fetchval(
            "select stripe_checkout_session_id from credit_purchases where id = $1", purchase_id
        )
    finally:
        await conn.close()
    evt = completed_session(stripe_server.fake.sessions[session_id])
    payload = json.dumps(evt)
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{service_url}/webhooks/stripe", content=payload, headers={"stripe-signature": sign(payload)}
        )
    assert response.status_code == 200, response.text

    status = await _eventually(
        db_url, "select status from credit_purchases where id = $1", purchase_id, expected="fulfilled"
    )
    assert status == "fulfilled", await _event_log(db_url)
    outcome = await _eventually(
        db_url, "select outcome from stripe_events where id = $1", evt["id"], expected="fulfilled"
    )
    assert outcome == "fulfilled"


async def test_notice_delivered_by_the_engine(engine_url: str, db_url: str) -> None:
    with Receiver(ORG_SECRET) as receiver:
        conn = await asyncpg.connect(db_url)
        try:
            await conn.execute(
                "insert into organization_credit_settings (organization_id, notification_webhook_url,"
                " notification_webhook_secret) values ('org_team', $1, $2)",
                receiver.url,
                ORG_SECRET,
            )
            # org_team: 2000 monthly + 50 welcome; threshold 400. Spend down to 350.
            reservation = await conn.fetchval(
                "select reserve_credits('org_team', 'question_generation', 'fast', 'engine-notice', 1700)"
            )
            reservation_id = json.loads(reservation)["reservation_id"]  # a bare connection: jsonb is text
            await conn.execute("select settle_credits('org_team', $1, 1700)", reservation_id)
            notice_id = await conn.fetchval(
                "select id from credit_notifications"
                " where organization_id = 'org_team' and kind = 'low_balance'"
            )
        finally:
            await conn.close()
        status = await _eventually(
            db_url,
            "select delivery_status from credit_notifications where id = $1",
            notice_id,
            expected="delivered",
        )
        assert status == "delivered"
        assert [r["id"] for r in receiver.received] == [notice_id]


async def test_engine_schedules_the_billing_crons(engine_url: str, db_url: str) -> None:
    names = await _eventually(
        db_url,
        "select array_agg(distinct trigger_name order by trigger_name) from gqlengine.hdb_cron_events",
        expected=["expire_credit_reservations", "rollover_billing_periods"],
    )
    assert names == ["expire_credit_reservations", "rollover_billing_periods"]
