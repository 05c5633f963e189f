"""The service over real HTTP: uvicorn on a free loopback port (own thread and loop), httpx as the client."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from decimal import Decimal

import httpx

from actions.action import Action, ActionContext
from actions.app import create_app
from actions.types import InputModel, OutputModel
from tests.servers import start_uvicorn

from .conftest import make_settings
from .helpers import METRICS_AUTH, SECRET, SECRET_HEADER, body, key, session


def test_reserve_then_settle_over_http(service_url: str) -> None:
    headers = {SECRET_HEADER: SECRET}
    with httpx.Client(base_url=service_url, headers=headers, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        variables = session("service", "org_team")
        reserve = client.post(
            "/actions",
            json=body(
                "reserveCredits",
                {"capability": "testimonial_polish", "qualityLevel": "premium", "idempotencyKey": key()},
                variables,
            ),
        )
        assert reserve.status_code == 200, reserve.text
        reservation = reserve.json()
        assert reservation["status"] == "pending"
        assert reserve.headers["x-request-id"]
        settle = client.post(
            "/actions",
            json=body(
                "settleCredits",
                {
                    "reservationId": reservation["reservationId"],
                    "actualCredits": "2.75",
                    "providerRequestId": "p1",
                },
                variables,
            ),
        )
        assert settle.status_code == 200, settle.text
        settled = settle.json()
        assert settled["status"] == "settled"
        assert settled["creditsAmount"] == "-2.75"
        assert Decimal(settled["balanceAfter"]) == (
            Decimal(reservation["balance"]["available"])
            + Decimal(reservation["reservedCredits"])
            - Decimal("2.75")
        )
        unauthorized = client.post("/actions", json={}, headers={SECRET_HEADER: "wrong"})
        assert unauthorized.status_code == 401
        metrics = client.get("/metrics", headers=METRICS_AUTH).text
        assert 'credits_requests_total{kind="action",name="settleCredits",outcome="ok"} 1' in metrics


class _HoldInput(InputModel):
    text: str


class _HoldOutput(OutputModel):
    text: str


def test_shutdown_finishes_in_flight_requests(db_url: str) -> None:
    """Shutdown stops accepting connections but lets a request already in a handler finish with its answer."""
    entered, release = threading.Event(), threading.Event()

    async def hold(ctx: ActionContext, args: _HoldInput) -> _HoldOutput:
        entered.set()
        # Wait for the test in a worker thread, so the server's event loop keeps running its shutdown.
        await asyncio.to_thread(release.wait, 30)
        return _HoldOutput(text=args.text)

    action = Action("hold", _HoldInput, _HoldOutput, hold, roles=frozenset({"service"}))
    app = create_app(make_settings(db_url), actions={"hold": action})
    server, thread, port = start_uvicorn(app)
    result: dict[str, httpx.Response] = {}

    def call() -> None:
        result["response"] = httpx.post(
            f"http://127.0.0.1:{port}/actions",
            json=body("hold", {"text": "done"}, session("service", "org_pro")),
            headers={SECRET_HEADER: SECRET},
            timeout=30,
        )

    client = threading.Thread(target=call)
    client.start()
    assert entered.wait(timeout=30), "the request never reached its handler"
    server.should_exit = True
    deadline = time.monotonic() + 30
    while True:  # shutdown has begun once the listening socket is gone
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            break
        assert time.monotonic() < deadline, "the server kept accepting connections after shutdown began"
        time.sleep(0.02)
    # Give the server time to run ahead; a server that did not wait for the request would close its pool.
    settle_by = time.monotonic() + 0.5
    while app.state.pool is not None and time.monotonic() < settle_by:
        time.sleep(0.02)
    assert app.state.pool is not None, "the server shut down its database pool under an in-flight request"
    release.set()
    client.join(timeout=30)
    thread.join(timeout=30)
    assert not thread.is_alive(), "uvicorn did not shut down"
    response = result["response"]
    assert response.status_code == 200, response.text
    assert response.json() == {"text": "done"}
