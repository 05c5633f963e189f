"""Fixtures for billing: the service over this module's database, a fake Stripe API on a loopback port,
and Hasura-shaped deliveries of event and cron triggers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from actions.app import create_app
from actions.settings import Settings
from devkit.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripeServer

from .helpers import SECRET, Billing


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The stripe SDK's HTTPXClient posts bytes with `data=`, which httpx deprecates; not ours to fix.
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning"))


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[FakeStripeServer]:
    with FakeStripeServer() as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def billing_env(stripe_server: FakeStripeServer) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDITS_STRIPE_SECRET_KEY", API_KEY)
        mp.setenv("CREDITS_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        mp.setenv("CREDITS_STRIPE_API_BASE", stripe_server.url)
        mp.setenv("CREDITS_NOTIFICATION_TIMEOUT", "5")
        mp.setenv("CREDITS_NOTIFICATION_ALLOW_PRIVATE_TARGETS", "true")  # receivers listen on loopback
        yield


@pytest.fixture(scope="module")
async def app(db_url: str, billing_env: None) -> AsyncIterator[Starlette]:
    settings = Settings(
        environment="test", database_url=db_url, hasura_action_secret=SECRET, pool_min_size=1, pool_max_size=6
    )
    application = create_app(settings)  # the real registries: proves the billing handlers are wired
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def billing(app: Starlette, stripe_server: FakeStripeServer) -> AsyncIterator[Billing]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions.test") as client:
        yield Billing(client, app.state.pool, stripe_server.fake)
