"""The local checkout of `make up`: the fake Stripe's hosted page pays, its signed event reaches the service
over real HTTP and is verified by the real SDK, and fulfilment grants the credits once."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from actions.app import create_app
from actions.settings import Settings
from devkit.fake_stripe import FakeStripeServer
from tests.servers import start_uvicorn

from .helpers import SECRET, Billing, new_org


@pytest.fixture(scope="module")
def service_url(db_url: str, billing_env: None) -> Iterator[str]:
    settings = Settings(
        environment="test", database_url=db_url, hasura_action_secret=SECRET, pool_min_size=1, pool_max_size=2
    )
    server, thread, port = start_uvicorn(create_app(settings))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


async def test_paying_the_local_checkout_page_tops_up(
    billing: Billing, stripe_server: FakeStripeServer, service_url: str
) -> None:
    stripe_server.fake.webhook_url = f"{service_url}/webhooks/stripe"
    org = await new_org(billing.pool)
    bonus = await billing.bonus(org)
    purchase_id = await billing.checkout(org, "pkg_starter")  # 100 credits for 999 cents
    purchase = await billing.purchase(purchase_id)
    session = billing.stripe.sessions[purchase["stripe_checkout_session_id"]]
    assert session["url"].startswith(f"{stripe_server.url}/c/pay/")

    async with httpx.AsyncClient() as browser:
        page = await browser.get(session["url"])
        assert page.status_code == 200 and "Starter Pack" in page.text and "9.99 USD" in page.text
        paid = await browser.post(session["url"])
        assert (paid.status_code, paid.headers["location"]) == (303, "https://app.test/ok")
        again = await browser.post(session["url"])
        assert again.status_code == 400  # a session is paid once

    # The service verified and stored the event; Hasura's trigger delivery fulfils it.
    event_id = await billing.pool.fetchval(
        "select id from stripe_events where type = 'checkout.session.completed'"
        " and payload->'data'->'object'->>'id' = $1",
        session["id"],
    )
    assert event_id is not None
    delivered = await billing.deliver_stripe_event(event_id)
    assert delivered.status_code == 200 and delivered.json()["outcome"] == "fulfilled"
    assert await billing.bonus(org) == bonus + 100
    assert (await billing.purchase(purchase_id))["status"] == "fulfilled"
    assert await billing.invariants(org) == []


async def test_an_unknown_session_has_no_page(stripe_server: FakeStripeServer) -> None:
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(f"{stripe_server.url}/c/pay/cs_nope")).status_code == 404
        assert (await browser.post(f"{stripe_server.url}/c/pay/cs_nope")).status_code == 404
