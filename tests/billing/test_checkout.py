"""createTopupCheckout against the fake Stripe API (real SDK)."""

from __future__ import annotations

import pytest
import stripe

from devkit.fake_stripe import API_KEY

from .helpers import Billing, new_org, session

ARGS = {
    "packageId": "pkg_popular",
    "successUrl": "https://app.test/ok",
    "cancelUrl": "https://app.test/cancel",
}


async def _error(billing: Billing, args: dict[str, str], variables: dict[str, str]) -> str:
    before = await billing.fetchval("select count(*) from credit_purchases")
    response = await billing.action("createTopupCheckout", args, variables)
    assert response.status_code == 400, response.text
    assert await billing.fetchval("select count(*) from credit_purchases") == before
    return response.json()["extensions"]["code"]


async def test_checkout_creates_pending_purchase_and_session(billing: Billing) -> None:
    org = await new_org(billing.pool)
    response = await billing.action("createTopupCheckout", ARGS, session("owner", org))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"url", "purchaseId"}
    purchase = await billing.purchase(body["purchaseId"])
    assert (purchase["organization_id"], purchase["status"], purchase["source"]) == (
        org,
        "pending",
        "checkout",
    )
    assert (purchase["credits"], purchase["amount_cents"], purchase["currency"]) == (500, 3999, "usd")
    stripe_session = billing.stripe.sessions[purchase["stripe_checkout_session_id"]]
    assert body["url"] == stripe_session["url"]
    assert stripe_session["mode"] == "payment"
    assert stripe_session["client_reference_id"] == body["purchaseId"]
    assert stripe_session["metadata"]["purchase_id"] == body["purchaseId"]
    assert stripe_session["metadata"]["organization_id"] == org
    assert stripe_session["amount_total"] == 3999
    item = stripe_session["line_items"][0]
    assert item["quantity"] == "1"
    assert item["price_data"]["unit_amount"] == "3999"
    assert item["price_data"]["product_data"]["name"]
    assert stripe_session["payment_intent_data"]["setup_future_usage"] == "off_session"
    customer = await billing.fetchval("select stripe_customer_id from organizations where id = $1", org)
    assert stripe_session["customer"] == customer and customer in billing.stripe.customers
    keys = [key for _, path, _, key in billing.stripe.requests if path == "/v1/checkout/sessions"]
    assert f"checkout:{body['purchaseId']}" in keys


async def test_checkout_creates_customer_once(billing: Billing) -> None:
    org = await new_org(billing.pool)
    await billing.checkout(org)
    await billing.checkout(org, role="org_admin")
    created = [
        p
        for _, path, p, _ in billing.stripe.requests
        if path == "/v1/customers" and p.get("metadata", {}).get("organization_id") == org
    ]
    assert len(created) == 1
    sessions = {
        billing.stripe.sessions[r["stripe_checkout_session_id"]]["customer"]
        for r in await billing.fetch(
            "select stripe_checkout_session_id from credit_purchases where organization_id = $1", org
        )
    }
    assert len(sessions) == 1


@pytest.mark.parametrize("role", ["viewer", "member", "service"])
async def test_checkout_refused_for_role(billing: Billing, role: str) -> None:
    assert await _error(billing, ARGS, session(role, "org_pro")) == "FORBIDDEN"


async def test_checkout_unknown_package(billing: Billing) -> None:
    assert (
        await _error(billing, {**ARGS, "packageId": "pkg_nope"}, session("owner", "org_pro"))
        == "PACKAGE_NOT_FOUND"
    )


async def test_checkout_inactive_package(billing: Billing) -> None:
    await billing.execute(
        "insert into credit_topup_packages (id, unique_name, name, credits, price_usd_cents, is_active)"
        " values ('pkg_retired', 'retired', 'Retired', 10, 100, false) on conflict do nothing"
    )
    code = await _error(billing, {**ARGS, "packageId": "pkg_retired"}, session("owner", "org_pro"))
    assert code == "PACKAGE_INACTIVE"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative", "ftp://x.test/a", ""])
async def test_checkout_bad_redirect_url(billing: Billing, url: str) -> None:
    assert await _error(billing, {**ARGS, "successUrl": url}, session("owner", "org_pro")) == "INVALID_INPUT"


async def test_checkout_stripe_outage_marks_purchase_failed(billing: Billing) -> None:
    org = await new_org(billing.pool)
    billing.stripe.fail_with = 500
    try:
        response = await billing.action("createTopupCheckout", ARGS, session("owner", org))
    finally:
        billing.stripe.fail_with = None
    assert response.status_code == 400, response.text
    assert response.json()["extensions"]["code"] == "STRIPE_ERROR"
    rows = await billing.fetch(
        "select status, failure_reason from credit_purchases where organization_id = $1", org
    )
    assert [r["status"] for r in rows] == ["failed"]


async def test_fake_stripe_refuses_missing_required_params(billing: Billing, stripe_server) -> None:
    """The fake is honest: the real SDK gets Stripe's error shape for a missing parameter."""
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": stripe_server.url}, http_client=stripe.HTTPXClient()
    )
    base = {
        "mode": "payment",
        "success_url": "https://a.test/ok",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "x"}},
            }
        ],
    }
    await client.v1.checkout.sessions.create_async(params=base)  # complete: accepted
    for broken, param in [
        ({**base, "mode": None}, "mode"),
        ({**base, "success_url": None}, "success_url"),
        (
            {
                **base,
                "line_items": [
                    {"quantity": 1, "price_data": {"unit_amount": 100, "product_data": {"name": "x"}}}
                ],
            },
            "line_items[0][price_data][currency]",
        ),
        (
            {**base, "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 100}}]},
            "line_items[0][price_data][product_data][name]",
        ),
        (
            {
                **base,
                "line_items": [
                    {"price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "x"}}}
                ],
            },
            "line_items[0][quantity]",
        ),
    ]:
        params = {k: v for k, v in broken.items() if v is not None}
        with pytest.raises(stripe.InvalidRequestError) as info:
            await client.v1.checkout.sessions.create_async(params=params)
        assert info.value.param == param
        assert info.value.code == "parameter_missing"
