"""/events/{trigger} and /cron/{name}: secret, Hasura payloads, registry dispatch, unknown names, retries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from actions.app import create_app
from actions.errors import ActionError, RetryLater
from actions.hasura import CronPayload, EventPayload

from .conftest import make_settings
from .helpers import SECRET, SECRET_HEADER

EVENT = {
    "id": "85558393-c75d-4d2f-9c15-e80591b83894",
    "created_at": "2026-11-23T07:14:21.601701Z",
    "trigger": {"name": "note_seen"},
    "table": {"schema": "public", "name": "credit_notifications"},
    "event": {
        "op": "INSERT",
        "data": {"old": None, "new": {"id": "n1", "available_at_crossing": 1.5}},
        "session_variables": None,
        "trace_context": {"trace_id": "t", "span_id": "s"},
    },
    "delivery_info": {"current_retry": 0, "max_retries": 5},
    "some_future_field": True,
}
CRON = {
    "id": "c1",
    "name": "tick",
    "scheduled_time": "2026-11-23T10:00:00Z",
    "payload": {"kind": "tick"},
    "comment": "every minute",
}


async def note_seen(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    # Idempotent on the event id, as registry.py requires: a redelivery inserts nothing.
    async with pool.acquire() as conn:
        await conn.execute(
            "create table if not exists test_seen_events (id text primary key, op text, row_id text)"
        )
        inserted = await conn.fetchval(
            "insert into test_seen_events values ($1, $2, $3) on conflict do nothing returning true",
            payload.id,
            payload.event.op,
            (payload.event.data.new or {}).get("id"),
        )
    return {"status": "processed" if inserted else "duplicate"}


async def refuse(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    raise ActionError("PURCHASE_NOT_FOUND", "no such purchase")


async def later(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    raise RetryLater("stripe is down", seconds=30)


async def crash(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    raise RuntimeError("secret internals")


async def tick(pool: asyncpg.Pool, payload: CronPayload) -> dict[str, Any]:
    return {
        "status": "ok",
        "name": payload.name,
        "scheduled_time": payload.scheduled_time,
        "kind": payload.payload["kind"],
    }


async def count_rows(pool: asyncpg.Pool, payload: CronPayload) -> dict[str, Any]:
    async with pool.acquire() as conn:
        total = await conn.fetchval(
            "select sum(credits_amount) from credit_transactions where organization_id = $1",
            payload.payload["org"],
        )
    return {"total": total}


@pytest.fixture(scope="module")
async def client(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        make_settings(db_url),
        event_handlers={"note_seen": note_seen, "refuse": refuse, "later": later, "crash": crash},
        cron_handlers={"tick": tick, "count_rows": count_rows},
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers={SECRET_HEADER: SECRET}
        ) as http:
            yield http


async def test_event_dispatched_to_its_handler_idempotently(client: httpx.AsyncClient) -> None:
    first = await client.post("/events/note_seen", json=EVENT)
    assert (first.status_code, first.json()) == (200, {"status": "processed"})
    again = await client.post(
        "/events/note_seen", json={**EVENT, "delivery_info": {"current_retry": 1, "max_retries": 5}}
    )
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})


async def test_unknown_trigger_and_cron_are_acknowledged(client: httpx.AsyncClient) -> None:
    event = await client.post("/events/nobody_listens", json=EVENT)
    assert event.status_code == 200
    assert event.json()["status"] == "ignored"
    cron = await client.post("/cron/nobody", json=CRON)
    assert cron.status_code == 200
    assert cron.json()["status"] == "ignored"


async def test_cron_dispatched(client: httpx.AsyncClient) -> None:
    response = await client.post("/cron/tick", json=CRON)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "name": "tick",
        "scheduled_time": CRON["scheduled_time"],
        "kind": "tick",
    }
    minimal = await client.post(
        "/cron/tick", json={"name": "tick", "scheduled_time": "x", "payload": {"kind": "k"}}
    )
    assert minimal.status_code == 200


@pytest.mark.parametrize("path", ["/events/note_seen", "/cron/tick"])
@pytest.mark.parametrize("secret", ["", "nope-nope-nope-nope"])
async def test_webhooks_require_the_secret(client: httpx.AsyncClient, path: str, secret: str) -> None:
    response = await client.post(
        path, json=EVENT if "events" in path else CRON, headers={SECRET_HEADER: secret}
    )
    assert response.status_code == 401
    assert response.json()["extensions"]["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/events/note_seen", {"id": "x"}),
        ("/events/note_seen", {**EVENT, "event": {"op": "INSERT"}}),
        ("/cron/tick", {"name": "tick"}),
        ("/cron/tick", [1]),
    ],
)
async def test_webhooks_malformed_payload(client: httpx.AsyncClient, path: str, payload: Any) -> None:
    response = await client.post(path, json=payload)
    assert response.status_code == 400
    assert response.json()["extensions"]["code"] == "INVALID_INPUT"


async def test_event_handler_errors_map_to_retryable_statuses(client: httpx.AsyncClient) -> None:
    refused = await client.post("/events/refuse", json=EVENT)
    assert refused.status_code == 400
    assert refused.json()["extensions"]["code"] == "PURCHASE_NOT_FOUND"
    retry = await client.post("/events/later", json=EVENT)
    assert (retry.status_code, retry.headers["retry-after"]) == (503, "30")
    crashed = await client.post("/events/crash", json=EVENT)
    assert crashed.status_code == 500
    assert "secret internals" not in crashed.text


async def test_cron_handler_may_answer_with_database_decimals(client: httpx.AsyncClient) -> None:
    payload = {**CRON, "name": "count_rows", "payload": {"org": "org_pro"}}
    response = await client.post("/cron/count_rows", json=payload)
    assert response.status_code == 200
    assert response.json() == {"total": 525}  # 500 allocation + 25 welcome bonus in the seeds
