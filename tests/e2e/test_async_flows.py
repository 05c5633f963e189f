"""The asynchronous flows end to end: `python -m gqlengine serve` and `python -m actions` on loopback ports,
a fake Stripe API, and nothing else. Clients only use /v1/graphql and the service's /webhooks/stripe; the
engine's event trigger worker and cron scheduler do the rest. Database access is used only to arrange time
(age a reservation, end a billing period, make a cron run due now) and to wait for the engine's queues.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from devkit.fake_stripe import (
    API_KEY,
    WEBHOOK_SECRET,
    FakeStripeServer,
    completed_session,
    dispute_closed,
    dispute_created,
    new_id,
    sign,
)
from tests.billing.helpers import SECRET, new_org
from tests.billing.receiver import Receiver
from tests.servers import actions_env, free_port, serving

from .conftest import DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY, Api, engine_env

ORG_HOOK_SECRET = "e2e-org-hook-secret-0123456789"


@dataclass
class Stack:
    api: Api
    service_url: str
    engine_url: str
    db_url: str
    stripe: FakeStripeServer

    def sql(self, query: str, *args: Any) -> Any:
        """Arrange state the clock would otherwise take minutes to reach, or look at the engine's queues."""

        async def run() -> Any:
            conn = await asyncpg.connect(self.db_url)
            try:
                return await conn.fetchval(query, *args)
            finally:
                await conn.close()

        return asyncio.run(run())

    def metadata(self, body: dict[str, Any]) -> dict[str, Any]:
        r = httpx.post(
            f"{self.engine_url}/v1/metadata",
            json=body,
            headers={"x-hasura-admin-secret": DEFAULT_ADMIN_SECRET},
        )
        assert r.status_code == 200, r.text
        return r.json()

    def cron_events(self) -> str:
        """Where the engine keeps cron runs: Hasura in its metadata catalog (here the same database),
        gqlengine in a schema of its own."""
        hasura = self.sql("select to_regclass('hdb_catalog.hdb_version') is not null")
        return "hdb_catalog.hdb_cron_events" if hasura else "gqlengine.hdb_cron_events"

    def queues_idle(self) -> bool:
        """No event or due cron delivery left to make (each delivered, or given up)."""
        pending = self.sql(
            "select (select count(*) from hdb_catalog.event_log where not delivered and not error)"
            f" + (select count(*) from {self.cron_events()}"
            "    where status in ('scheduled', 'locked') and scheduled_time <= now())"
        )
        return pending == 0

    def run_cron_now(self, name: str) -> None:
        """A run of cron trigger `name` due now, as if its schedule had come round."""
        self.sql(f"insert into {self.cron_events()} (trigger_name, scheduled_time) values ($1, now())", name)


def eventually(check: Callable[[], Any], within: float = 30.0) -> Any:
    """Poll until `check()` is truthy: a deadline for asynchronous delivery, not a timing assertion."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not reached before the deadline"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def stack(db_url: str) -> Iterator[Stack]:
    with FakeStripeServer() as stripe:
        service_port, engine_port = free_port(), free_port()
        service_url = f"http://127.0.0.1:{service_port}"
        engine_url = f"http://127.0.0.1:{engine_port}"
        service_env = actions_env(
            db_url,
            service_port,
            action_secret=SECRET,
            CREDITS_STRIPE_SECRET_KEY=API_KEY,
            CREDITS_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            CREDITS_STRIPE_API_BASE=stripe.url,
            CREDITS_NOTIFICATION_TIMEOUT="5",
            CREDITS_NOTIFICATION_ALLOW_PRIVATE_TARGETS="true",  # the org's receiver listens on loopback
        )
        # The engine polls its queues every 50 ms instead of every second, so the flows finish quickly.
        gql_env = engine_env(
            db_url,
            engine_port,
            ACTIONS_BASE_URL=service_url,
            CREDITS_HASURA_ACTION_SECRET=SECRET,
            HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL="50",
        )
        with (
            serving(["-m", "actions"], service_env, f"{service_url}/healthz"),
            serving(["-m", "gqlengine", "serve"], gql_env, f"{engine_url}/healthz"),
        ):
            api = Api(f"{engine_url}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)
            yield Stack(api, service_url, engine_url, db_url, stripe)


def as_org(stack: Stack, role: str, org: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    out = stack.api.as_role(role, org, query, variables)
    assert "errors" not in out, out
    return out["data"]


def fresh_org(stack: Stack, plan: str = "plan_pro") -> str:
    async def create() -> str:
        pool = await asyncpg.create_pool(stack.db_url, min_size=1, max_size=1)
        try:
            return await new_org(pool, plan)
        finally:
            await pool.close()

    return asyncio.run(create())


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def balance(stack: Stack, org: str) -> dict[str, Any]:
    data = as_org(
        stack,
        "owner",
        org,
        "{ organization_credit_balances { monthly_credits bonus_credits reserved_credits used_this_period"
        " period_start period_end } }",
    )
    [row] = data["organization_credit_balances"]
    return row


def ledger(stack: Stack, org: str) -> list[dict[str, Any]]:
    data = as_org(
        stack,
        "owner",
        org,
        "{ credit_transactions(order_by: {org_seq: asc})"
        " { transaction_type credits_amount reservation_id created_at } }",
    )
    return data["credit_transactions"]


RESERVE = """mutation ($k: String!, $amount: Credits) {
  reserveCredits(capability: "question_generation", qualityLevel: "fast", idempotencyKey: $k,
                 estimatedCredits: $amount) { reservationId status reservedCredits }
}"""
SETTLE = """mutation ($id: String!, $amount: Credits!) {
  settleCredits(reservationId: $id, actualCredits: $amount) {
    status settledCredits creditsAmount transactionId
  }
}"""
ACCESS = """query {
  aiAccessCheck(capability: "question_generation", qualityLevel: "fast") {
    allowed organizationId balance { available reserved lowBalanceThreshold }
  }
}"""


def reserve(stack: Stack, org: str, amount: str) -> dict[str, Any]:
    variables = {"k": f"e2e-{uuid.uuid4()}", "amount": amount}
    return as_org(stack, "service", org, RESERVE, variables)["reserveCredits"]


def settle(stack: Stack, org: str, reservation_id: str, amount: str) -> dict[str, Any]:
    return as_org(stack, "service", org, SETTLE, {"id": reservation_id, "amount": amount})["settleCredits"]


# ---------------------------------------------------------------- the synchronous credit flow, read back


def test_access_check_reserve_settle_reads_back_balance_ledger_and_usage(stack: Stack) -> None:
    org = fresh_org(stack)
    access = as_org(stack, "service", org, ACCESS)["aiAccessCheck"]
    assert (access["allowed"], access["organizationId"]) == (True, org)
    before = balance(stack, org)

    reservation = reserve(stack, org, "3")
    assert reservation["status"] == "pending"
    assert dec(balance(stack, org)["reserved_credits"]) == dec(before["reserved_credits"]) + 3

    assert settle(stack, org, reservation["reservationId"], "2.5")["status"] == "settled"
    after = balance(stack, org)
    assert dec(after["reserved_credits"]) == dec(before["reserved_credits"])
    assert dec(after["used_this_period"]) == dec(before["used_this_period"]) + Decimal("2.5")

    rows = [r for r in ledger(stack, org) if r["reservation_id"] == reservation["reservationId"]]
    assert [(r["transaction_type"], dec(r["credits_amount"])) for r in rows] == [
        ("ai_consumption", Decimal("-2.5"))
    ]
    usage = as_org(stack, "owner", org, "{ credit_usage_daily { operations credits } }")["credit_usage_daily"]
    assert [(u["operations"], dec(u["credits"])) for u in usage] == [(1, Decimal("2.5"))]


# ---------------------------------------------------------------- Stripe → stored event → event trigger


def test_a_signed_checkout_completion_becomes_credits_once(stack: Stack) -> None:
    org = fresh_org(stack)
    checkout = as_org(
        stack,
        "owner",
        org,
        'mutation { createTopupCheckout(packageId: "pkg_starter", successUrl: "https://app.test/ok",'
        ' cancelUrl: "https://app.test/no") { purchaseId url } }',
    )["createTopupCheckout"]
    purchase_q = (
        "query ($id: String!) { credit_purchases_by_pk(id: $id) { status stripe_checkout_session_id } }"
    )

    def purchase() -> dict[str, Any]:
        return stack.api.admin(purchase_q, {"id": checkout["purchaseId"]})["credit_purchases_by_pk"]

    assert purchase()["status"] == "pending"
    package = stack.api.admin('{ credit_topup_packages_by_pk(id: "pkg_starter") { credits } }')
    credits = dec(package["credit_topup_packages_by_pk"]["credits"])
    bonus_before = dec(balance(stack, org)["bonus_credits"])

    event = completed_session(stack.stripe.fake.sessions[purchase()["stripe_checkout_session_id"]])
    payload = json.dumps(event)

    def post_webhook() -> httpx.Response:
        return httpx.post(
            f"{stack.service_url}/webhooks/stripe",
            content=payload,
            headers={"stripe-signature": sign(payload), "content-type": "application/json"},
        )

    assert post_webhook().status_code == 200
    eventually(lambda: purchase()["status"] == "fulfilled")
    assert dec(balance(stack, org)["bonus_credits"]) == bonus_before + credits

    # Stripe retries the webhook, and the engine delivers the stored event again (at least once).
    assert post_webhook().status_code == 200
    event_id = stack.sql(
        "select id from hdb_catalog.event_log where trigger_name = 'stripe_event_process'"
        " and payload->'data'->'new'->>'id' = $1",
        event["id"],
    )
    redeliver = {"type": "pg_redeliver_event", "args": {"event_id": event_id}}
    assert stack.metadata(redeliver) == {"message": "success"}
    invocations = "select count(*) from hdb_catalog.event_invocation_logs where event_id = $1"
    eventually(lambda: stack.sql(invocations, event_id) == 2)
    eventually(stack.queues_idle)
    assert dec(balance(stack, org)["bonus_credits"]) == bonus_before + credits
    topups = [r for r in ledger(stack, org) if r["transaction_type"] == "topup_purchase"]
    assert [dec(r["credits_amount"]) for r in topups] == [credits]


# ---------------------------------------------------------------- disputes, with Stripe's replays


def paid_through_local_checkout(stack: Stack, org: str) -> dict[str, Any]:
    """A starter package bought by paying the stand-in's checkout page, fulfilled by the event trigger."""
    stack.stripe.fake.webhook_url = f"{stack.service_url}/webhooks/stripe"
    checkout = as_org(
        stack,
        "owner",
        org,
        'mutation { createTopupCheckout(packageId: "pkg_starter", successUrl: "https://app.test/ok",'
        ' cancelUrl: "https://app.test/no") { purchaseId url } }',
    )["createTopupCheckout"]
    assert httpx.post(checkout["url"]).status_code == 303
    status_q = "query ($id: String!) { credit_purchases_by_pk(id: $id) { status } }"

    def status() -> str:
        return stack.api.admin(status_q, {"id": checkout["purchaseId"]})["credit_purchases_by_pk"]["status"]

    eventually(lambda: status() == "fulfilled")
    session_id = checkout["url"].rsplit("/", 1)[1]
    return stack.stripe.fake.sessions[session_id]


def send_stripe_event(stack: Stack, event: dict[str, Any], times: int = 1) -> None:
    payload = json.dumps(event)
    for _ in range(times):
        r = httpx.post(
            f"{stack.service_url}/webhooks/stripe",
            content=payload,
            headers={"stripe-signature": sign(payload), "content-type": "application/json"},
        )
        assert r.status_code == 200, r.text
    eventually(stack.queues_idle)


def redeliver_stripe_event(stack: Stack, stripe_event_id: str) -> None:
    """The engine delivering a stored Stripe event once more, as Hasura may (at least once)."""
    event_id = stack.sql(
        "select id from hdb_catalog.event_log where trigger_name = 'stripe_event_process'"
        " and payload->'data'->'new'->>'id' = $1",
        stripe_event_id,
    )
    assert stack.metadata({"type": "pg_redeliver_event", "args": {"event_id": event_id}}) == {
        "message": "success"
    }
    invocations = "select count(*) from hdb_catalog.event_invocation_logs where event_id = $1"
    eventually(lambda: stack.sql(invocations, event_id) == 2)
    eventually(stack.queues_idle)


def bonus(stack: Stack, org: str) -> Decimal:
    return dec(balance(stack, org)["bonus_credits"])


def test_a_won_dispute_withdraws_then_reinstates_exactly_once(stack: Stack) -> None:
    org = fresh_org(stack)
    before = bonus(stack, org)
    session = paid_through_local_checkout(stack, org)  # 100 credits for 999 cents
    assert bonus(stack, org) == before + 100
    intent, charge = session["payment_intent"], new_id("ch")

    created = dispute_created(intent, charge, 999)
    send_stripe_event(stack, created, times=2)  # Stripe retries the webhook
    redeliver_stripe_event(stack, created["id"])
    assert bonus(stack, org) == before  # funds withdrawn once

    won = dispute_closed(intent, charge, 999, "won")
    send_stripe_event(stack, won, times=2)
    redeliver_stripe_event(stack, won["id"])
    send_stripe_event(stack, dispute_closed(intent, charge, 999, "won"))  # the same closure, a new event id
    assert bonus(stack, org) == before + 100  # reinstated once

    rows = [(r["transaction_type"], dec(r["credits_amount"])) for r in ledger(stack, org)]
    assert [r for r in rows if r[0] in ("topup_purchase", "topup_refund")] == [
        ("topup_purchase", Decimal(100)),
        ("topup_refund", Decimal(-100)),
        ("topup_purchase", Decimal(100)),
    ]
    assert stack.sql("select count(*) from check_credit_invariants($1)", org) == 0


def test_a_lost_dispute_keeps_the_funds_withdrawn_exactly_once(stack: Stack) -> None:
    org = fresh_org(stack)
    before = bonus(stack, org)
    session = paid_through_local_checkout(stack, org)
    intent, charge = session["payment_intent"], new_id("ch")

    created = dispute_created(intent, charge, 999)
    send_stripe_event(stack, created)
    lost = dispute_closed(intent, charge, 999, "lost")
    send_stripe_event(stack, lost, times=2)
    redeliver_stripe_event(stack, lost["id"])
    redeliver_stripe_event(stack, created["id"])
    assert bonus(stack, org) == before

    refunds = [r for r in ledger(stack, org) if r["transaction_type"] == "topup_refund"]
    assert [dec(r["credits_amount"]) for r in refunds] == [Decimal(-100)]
    status = stack.api.admin(
        "query ($org: String!) { credit_purchases(where: {organization_id: {_eq: $org}}) { status } }",
        {"org": org},
    )["credit_purchases"]
    assert status == [{"status": "refunded"}]
    assert stack.sql("select count(*) from check_credit_invariants($1)", org) == 0


# ---------------------------------------------------------------- low-balance notice


def test_a_settle_crossing_the_threshold_sends_one_notice(stack: Stack) -> None:
    org = fresh_org(stack)
    with Receiver(ORG_HOOK_SECRET) as receiver:
        stack.api.admin(
            """mutation ($org: String!, $url: String!, $secret: String!) {
              insert_organization_credit_settings_one(
                object: {organization_id: $org, notification_webhook_url: $url,
                         notification_webhook_secret: $secret},
                on_conflict: {constraint: organization_credit_settings_pkey,
                              update_columns: [notification_webhook_url, notification_webhook_secret]}
              ) { organization_id } }""",
            {"org": org, "url": receiver.url, "secret": ORG_HOOK_SECRET},
        )
        funds = as_org(stack, "service", org, ACCESS)["aiAccessCheck"]["balance"]
        available, threshold = dec(funds["available"]), dec(funds["lowBalanceThreshold"])
        assert available > threshold + 2
        spend = str(available - threshold + 1)  # leaves the balance just under the threshold
        settle(stack, org, reserve(stack, org, spend)["reservationId"], spend)
        eventually(lambda: receiver.received)

        # Spending again below the threshold is not a new crossing: no second notice.
        settle(stack, org, reserve(stack, org, "0.5")["reservationId"], "0.5")
        eventually(stack.queues_idle)
        notices = as_org(stack, "owner", org, "{ credit_notifications { id kind delivery_status } }")
        [notice] = notices["credit_notifications"]
        assert (notice["kind"], notice["delivery_status"]) == ("low_balance", "delivered")
        assert [r["id"] for r in receiver.received] == [notice["id"]]
        assert receiver.rejected == 0


# ---------------------------------------------------------------- cron triggers


def test_a_reservation_left_pending_is_expired_by_the_cron_trigger(stack: Stack) -> None:
    org = fresh_org(stack)
    before = balance(stack, org)
    reservation = reserve(stack, org, "4")
    assert dec(balance(stack, org)["reserved_credits"]) == dec(before["reserved_credits"]) + 4
    # The caller never settles: let its TTL pass.
    stack.sql(
        "update credit_reservations set expires_at = now() - interval '1 second' where id = $1",
        reservation["reservationId"],
    )
    stack.run_cron_now("expire_credit_reservations")

    status_q = "query ($id: String!) { credit_reservations(where: {id: {_eq: $id}}) { status } }"
    variables = {"id": reservation["reservationId"]}

    def expired() -> bool:
        rows = as_org(stack, "owner", org, status_q, variables)["credit_reservations"]
        return rows == [{"status": "expired"}]

    eventually(expired)
    after = balance(stack, org)
    assert dec(after["reserved_credits"]) == dec(before["reserved_credits"])
    assert dec(after["used_this_period"]) == dec(before["used_this_period"])


def test_an_ended_billing_period_is_rolled_over_by_the_cron_trigger(stack: Stack) -> None:
    org = fresh_org(stack)
    # Its period ended a minute ago (periods are anchored on the day an organization joined). The boundary
    # differs from the start of the current period, whose allocation the org already received.
    boundary = stack.sql(
        """with b as (
             update organization_credit_balances
                set period_start = date_trunc('second', now()) - interval '1 minute' - interval '1 month',
                    period_end = date_trunc('second', now()) - interval '1 minute'
              where organization_id = $1 returning period_start, period_end)
           update organization_plans
              set current_period_start = (select period_start from b),
                  current_period_end = (select period_end from b)
            where organization_id = $1 returning current_period_end""",
        org,
    )
    allocations_before = [r for r in ledger(stack, org) if r["transaction_type"] == "plan_allocation"]
    stack.run_cron_now("rollover_billing_periods")

    def rolled() -> dict[str, Any] | None:
        row = balance(stack, org)
        return row if datetime.fromisoformat(row["period_start"]) == boundary else None

    after = eventually(rolled)
    assert datetime.fromisoformat(after["period_end"]) > boundary
    allocations = [r for r in ledger(stack, org) if r["transaction_type"] == "plan_allocation"]
    assert len(allocations) == len(allocations_before) + 1
    assert dec(allocations[-1]["credits_amount"]) == dec(after["monthly_credits"])
