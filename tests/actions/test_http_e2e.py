"""The service over real HTTP: uvicorn on a free loopback port (own thread and loop), httpx as the client."""

from __future__ import annotations

from decimal import Decimal

import httpx

from .helpers import SECRET, SECRET_HEADER, body, key, session


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
        metrics = client.get("/metrics").text
        assert 'credits_requests_total{kind="action",name="settleCredits",outcome="ok"} 1' in metrics
