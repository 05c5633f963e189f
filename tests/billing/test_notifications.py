"""Low-balance notices delivered to the organization's webhook, signed; failures retried by Hasura."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from actions.billing import notifications

from .helpers import Billing, new_org
from .receiver import Receiver

ORG_SECRET = "org-webhook-secret-0123456789"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver(ORG_SECRET) as server:
        yield server


async def _spend(billing: Billing, org: str, amount: int, key: str) -> None:
    async with billing.pool.acquire() as conn:
        reservation = await conn.fetchval(
            "select reserve_credits($1, 'question_generation', 'fast', $2, $3)", org, key, amount
        )
        await conn.execute("select settle_credits($1, $2, $3)", org, reservation["reservation_id"], amount)


async def _org_with_webhook(billing: Billing, url: str | None, secret: str = ORG_SECRET) -> str:
    org = await new_org(billing.pool)  # pro: 500 monthly, low-balance threshold 100
    await billing.execute(
        "insert into organization_credit_settings (organization_id, notification_webhook_url,"
        " notification_webhook_secret) values ($1, $2, $3)",
        org,
        url,
        secret if url else None,
    )
    return org


async def _notices(billing: Billing, org: str) -> list[dict]:
    rows = await billing.fetch(
        "select * from credit_notifications where organization_id = $1 order by created_at", org
    )
    return [dict(r) for r in rows]


async def _deliver(billing: Billing, notice: dict, **kw: object):
    return await billing.deliver_trigger("credit_notification_deliver", "credit_notifications", notice, **kw)


async def test_low_balance_notice_is_delivered_signed_once(billing: Billing, receiver: Receiver) -> None:
    org = await _org_with_webhook(billing, receiver.url)
    await _spend(billing, org, 420, "a")  # 500 → 80: crosses the 100 threshold
    await _spend(billing, org, 10, "b")  # still below: the same crossing, no second notice
    notices = await _notices(billing, org)
    assert [n["kind"] for n in notices] == ["low_balance"]

    response = await _deliver(billing, notices[0])
    assert response.status_code == 200 and response.json()["status"] == "delivered"
    [got] = [r for r in receiver.received if r["body"]["organization_id"] == org]
    assert got["id"] == notices[0]["id"]
    assert got["body"]["type"] == "credits.low_balance"
    assert (got["body"]["available"], got["body"]["threshold"]) == ("80.00", "100.00")
    row = (await _notices(billing, org))[0]
    assert (row["delivery_status"], row["attempts"], row["last_error"]) == ("delivered", 1, None)
    assert row["delivered_at"] is not None

    replay = await _deliver(billing, notices[0])  # Hasura delivers at least once
    assert replay.json()["replayed"] is True
    assert len([r for r in receiver.received if r["body"]["organization_id"] == org]) == 1


async def test_receiver_failure_asks_hasura_to_retry_then_fails(billing: Billing, receiver: Receiver) -> None:
    org = await _org_with_webhook(billing, receiver.url)
    await _spend(billing, org, 500, "all")  # depleted
    [notice] = await _notices(billing, org)
    assert notice["kind"] == "depleted"
    receiver.status = 500
    try:
        first = await _deliver(billing, notice, current_retry=0, max_retries=2)
        assert first.status_code == 503 and int(first.headers["retry-after"]) > 0
        row = (await _notices(billing, org))[0]
        assert (row["delivery_status"], row["attempts"]) == ("pending", 1)
        assert "HTTP 500" in row["last_error"]
        last = await _deliver(billing, notice, current_retry=2, max_retries=2)
        assert last.status_code == 200 and last.json()["status"] == "failed"
        assert "retry-after" not in last.headers
    finally:
        receiver.status = 200
    row = (await _notices(billing, org))[0]
    assert (row["delivery_status"], row["attempts"], row["delivered_at"]) == ("failed", 2, None)


async def test_retry_after_failure_delivers(billing: Billing, receiver: Receiver) -> None:
    org = await _org_with_webhook(billing, receiver.url)
    await _spend(billing, org, 450, "x")
    [notice] = await _notices(billing, org)
    receiver.status = 503
    try:
        assert (await _deliver(billing, notice)).status_code == 503
    finally:
        receiver.status = 200
    assert (await _deliver(billing, notice, current_retry=1)).status_code == 200
    row = (await _notices(billing, org))[0]
    assert (row["delivery_status"], row["attempts"], row["last_error"]) == ("delivered", 2, None)


async def test_wrong_secret_is_rejected_by_receiver(billing: Billing, receiver: Receiver) -> None:
    org = await _org_with_webhook(billing, receiver.url, secret="not-the-receivers-secret-000")
    await _spend(billing, org, 450, "y")
    [notice] = await _notices(billing, org)
    before = receiver.rejected
    response = await _deliver(billing, notice)
    assert response.status_code == 503  # the receiver answered 401: not delivered
    assert receiver.rejected == before + 1


async def test_unreachable_receiver_is_retried(billing: Billing) -> None:
    org = await _org_with_webhook(billing, "http://127.0.0.1:9/nothing-listens-here")
    await _spend(billing, org, 450, "z")
    [notice] = await _notices(billing, org)
    assert (await _deliver(billing, notice)).status_code == 503
    row = (await _notices(billing, org))[0]
    assert row["delivery_status"] == "pending" and row["attempts"] == 1 and row["last_error"]


async def test_without_webhook_notice_is_skipped(billing: Billing) -> None:
    org = await _org_with_webhook(billing, None)
    await _spend(billing, org, 450, "w")
    [notice] = await _notices(billing, org)
    assert (await _deliver(billing, notice)).json()["status"] == "skipped"
    assert (await _notices(billing, org))[0]["delivery_status"] == "skipped"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest"]
)
async def test_private_targets_are_refused_by_default(
    billing: Billing, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("CREDITS_NOTIFICATION_ALLOW_PRIVATE_TARGETS", "false")
    org = await _org_with_webhook(billing, url)
    await _spend(billing, org, 450, "p")
    [notice] = await _notices(billing, org)
    response = await _deliver(billing, notice)
    assert response.status_code == 200 and response.json()["status"] == "failed"
    row = (await _notices(billing, org))[0]
    assert row["delivery_status"] == "failed" and "non-public address" in row["last_error"]


async def test_the_webhook_is_called_at_the_address_that_was_checked(
    billing: Billing, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the org's host answers a public address when it is checked and an internal one a moment
    # later. The notice must go to the address that was checked (127.0.0.2, taken as public here), never to
    # the internal service listening on the same port at 127.0.0.1; the receiver still sees its own name.
    monkeypatch.setenv("CREDITS_NOTIFICATION_ALLOW_PRIVATE_TARGETS", "false")
    monkeypatch.setattr(notifications, "_is_public", lambda address: str(address) == "127.0.0.2")
    answers = iter(["127.0.0.2"])
    lookup = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) != "hooks.example.test":
            return lookup(host, port, *args, **kw)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Receiver(ORG_SECRET, host="127.0.0.2") as public, Receiver(ORG_SECRET, port=public.port) as internal:
        org = await _org_with_webhook(billing, f"http://hooks.example.test:{public.port}/credits-hook")
        await _spend(billing, org, 450, "r")
        [notice] = await _notices(billing, org)
        response = await _deliver(billing, notice)
        assert response.json()["status"] == "delivered", response.text
        assert [r["id"] for r in public.received] == [notice["id"]]
        assert public.hosts == [f"hooks.example.test:{public.port}"]
        assert internal.received == [] and internal.rejected == 0
