"""The real stack for the web tests: PostgreSQL (this module's database), the service pointed at the fake
Stripe API the billing tests use, and gqlengine in front of both, each on a free loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest

from actions.app import create_app
from actions.settings import Settings
from devkit.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripeServer
from tests.billing.helpers import SECRET
from tests.servers import engine_env, free_port, serving, start_uvicorn

ADMIN_SECRET = "web-tests-admin-secret-0123456789"
JWT_KEY = "web-tests-jwt-key-0123456789abcdef0123456789abcdef"


def token(role: str, org: str | None = None, user: str | None = None) -> str:
    """A JWT the engine accepts, shaped like the ones `make up` prints."""
    claims: dict[str, object] = {"x-hasura-default-role": role, "x-hasura-allowed-roles": [role]}
    if org:
        claims["x-hasura-organization-id"] = org
    if user:
        claims["x-hasura-user-id"] = user
    payload = {"sub": user or role, "iat": int(time.time()), "https://hasura.io/jwt/claims": claims}
    return jwt.encode(payload, JWT_KEY, algorithm="HS256")


@dataclass
class Stack:
    engine_url: str
    service_url: str
    stripe: FakeStripeServer
    db_url: str


@pytest.fixture(scope="module")
def stack(db_url: str) -> Iterator[Stack]:
    with FakeStripeServer() as stripe_server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDITS_STRIPE_SECRET_KEY", API_KEY)
        mp.setenv("CREDITS_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        mp.setenv("CREDITS_STRIPE_API_BASE", stripe_server.url)
        settings = Settings(
            environment="test", database_url=db_url, hasura_action_secret=SECRET, pool_max_size=4
        )
        server, thread, service_port = start_uvicorn(create_app(settings))
        service_url = f"http://127.0.0.1:{service_port}"
        # Paying on the fake's checkout page sends the signed completion webhook here, as Stripe would.
        stripe_server.fake.webhook_url = f"{service_url}/webhooks/stripe"
        port = free_port()
        env = engine_env(
            db_url,
            port,
            admin_secret=ADMIN_SECRET,
            jwt_key=JWT_KEY,
            ACTIONS_BASE_URL=service_url,
            CREDITS_HASURA_ACTION_SECRET=SECRET,
            # The browser reads amounts as strings, as under `make up` and in production.
            HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES="true",
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with serving(["-m", "gqlengine", "serve"], env, f"{base}/healthz"):
                yield Stack(base, service_url, stripe_server, db_url)
        finally:
            server.should_exit = True
            thread.join(timeout=15)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A skipped browser run must not pass unnoticed: say so in capitals at the end of the run."""
    for report in terminalreporter.stats.get("skipped", []):
        if "BROWSER TESTS SKIPPED" in str(report.longrepr):
            terminalreporter.write_line("!" * 100, red=True, bold=True)
            terminalreporter.write_line(f"!!! {report.longrepr[2]}", red=True, bold=True)
            terminalreporter.write_line("!" * 100, red=True, bold=True)
