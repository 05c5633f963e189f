"""Fixtures for the actions service: the app over this module's database, a Hasura-shaped client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from actions.app import create_app
from actions.settings import Settings
from tests.servers import start_uvicorn

from .helpers import METRICS_TOKEN, SECRET, Hasura


def make_settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": url,
        "hasura_action_secret": SECRET,
        "metrics_token": METRICS_TOKEN,
        "pool_min_size": 1,
        "pool_max_size": 4,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
async def app(db_url: str) -> AsyncIterator[Starlette]:
    """The service over this module's database, lifespan running (ASGITransport does not run it)."""
    application = create_app(make_settings(db_url))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions.test") as client:
        yield client


@pytest.fixture(scope="module")
def hasura(http: httpx.AsyncClient, app: Starlette) -> Hasura:
    return Hasura(http, app.state.pool)


@pytest.fixture(scope="module")
def service_url(db_url: str) -> Iterator[str]:
    """The service over real HTTP (see tests.servers.start_uvicorn)."""
    server, thread, port = start_uvicorn(create_app(make_settings(db_url)))
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "uvicorn did not shut down"
