"""GET /healthz and GET /metrics."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest

from actions.app import create_app
from actions.logs import JsonFormatter

from .conftest import make_settings
from .helpers import METRICS_AUTH, METRICS_TOKEN, SECRET, SECRET_HEADER, Hasura, body, key, new_org, session


async def test_healthz_ok_with_database(hasura: Hasura) -> None:
    response = await hasura.http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_healthz_503_when_database_is_unreachable() -> None:
    settings = make_settings("postgresql://nobody@127.0.0.1:1/none", pool_min_size=0)
    app = create_app(settings)
    # The pool cannot open at all here, so run the app without its lifespan: no pool = not healthy.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


async def test_healthz_503_when_database_stops_answering(db_url: str) -> None:
    app = create_app(make_settings(db_url, pool_min_size=0, pool_max_size=1))
    async with app.router.lifespan_context(app):
        # A closed pool is what a lost database looks like to acquire(): the check must say so, not raise.
        await app.state.pool.close()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503


def sample(text: str, metric: str, labels: dict[str, str] | None = None) -> float:
    labels = labels or {}
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = "^" + re.escape(metric) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_metrics_count_requests_reservations_and_latency(hasura: Hasura) -> None:
    before = (await hasura.http.get("/metrics", headers=METRICS_AUTH)).text
    org = await new_org(hasura.pool, "plan_free")
    args = {"capability": "question_generation", "qualityLevel": "fast", "idempotencyKey": key()}
    await hasura.ok("reserveCredits", args, session("service", org))
    await hasura.ok("reserveCredits", args, session("service", org))
    await hasura.call(
        "reserveCredits",
        {**args, "idempotencyKey": key(), "estimatedCredits": "999"},
        session("service", org),
    )
    response = await hasura.http.get("/metrics", headers=METRICS_AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    after = response.text
    for outcome, delta in (("reserved", 1), ("replayed", 1), ("INSUFFICIENT_CREDITS", 1)):
        name, labels = "credits_reservations_total", {"outcome": outcome}
        assert sample(after, name, labels) - sample(before, name, labels) == delta, outcome
    ok = {"kind": "action", "name": "reserveCredits", "outcome": "ok"}
    assert sample(after, "credits_requests_total", ok) - sample(before, "credits_requests_total", ok) == 2
    count = "credits_request_duration_seconds_count"
    labels = {"kind": "action", "name": "reserveCredits"}
    assert sample(after, count, labels) - sample(before, count, labels) == 3
    assert "# TYPE credits_request_duration_seconds histogram" in after
    assert 'le="+Inf"' in after
    assert sample(after, "credits_db_pool_size") >= 1
    assert re.search(r"^credits_db_pool_idle \d+$", after, re.MULTILINE)


async def test_one_structured_log_line_per_request(hasura: Hasura, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="actions")
    await hasura.http.post(
        "/actions",
        json=body(
            "aiAccessCheck",
            {"capability": "question_generation", "qualityLevel": "fast"},
            session("member", "org_pro"),
        ),
        headers={SECRET_HEADER: SECRET, "X-Request-Id": "log-test-1"},
    )
    lines = [r for r in caplog.records if r.name == "actions.request" and r.request_id == "log-test-1"]
    assert len(lines) == 1
    entry = json.loads(JsonFormatter().format(lines[0]))
    assert entry["request_id"] == "log-test-1"
    assert (entry["kind"], entry["action"], entry["outcome"], entry["status"]) == (
        "action",
        "aiAccessCheck",
        "ok",
        200,
    )
    assert isinstance(entry["ms"], float)
    assert entry["level"] == "info"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789abc"},
        {"Authorization": f"Basic {METRICS_TOKEN}"},
        {"Authorization": f"Bearer {METRICS_TOKEN}x"},
        {"Authorization": METRICS_TOKEN},
        {SECRET_HEADER: SECRET},
    ],
)
async def test_metrics_need_the_bearer_token(hasura: Hasura, headers: dict[str, str]) -> None:
    response = await hasura.http.get("/metrics", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["extensions"]["code"] == "UNAUTHORIZED"
    assert "credits_requests_total" not in response.text


@pytest.mark.parametrize("environment", ["test", "prod"])
async def test_metrics_without_a_token_configured_are_refused_outside_dev(
    db_url: str, environment: str
) -> None:
    app = create_app(make_settings(db_url, environment=environment, metrics_token=None, pool_min_size=0))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/metrics")
    assert response.status_code == 403
    assert response.json()["extensions"]["code"] == "FORBIDDEN"
    assert "CREDITS_METRICS_TOKEN" in response.json()["message"]


async def test_metrics_without_a_token_are_open_in_dev_only(db_url: str) -> None:
    settings = make_settings(db_url, environment="dev", metrics_token=None, hasura_action_secret="")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t"
    ) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert "# TYPE credits_requests_total counter" in response.text


def test_an_empty_metrics_token_means_none(db_url: str) -> None:
    assert make_settings(db_url, environment="prod", metrics_token="").metrics_token is None


def test_a_placeholder_metrics_token_is_refused_outside_dev(db_url: str) -> None:
    with pytest.raises(ValueError, match="CREDITS_METRICS_TOKEN"):
        make_settings(db_url, environment="prod", metrics_token="changeme")
