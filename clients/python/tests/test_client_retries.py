"""Retries: a connection dropped after the server committed is retried with the same idempotency key, so the
balance moves once; an unreachable server is given up on within the retry budget."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from conftest import FAST_RETRIES, Stack
from credits_client import (
    CreditsClient,
    DatabaseUnavailable,
    ReservationNotFound,
    RetryPolicy,
    TransportFailed,
    Usage,
    ai_call,
)
from credits_client.errors import error_from_graphql


class DropAnswerOnce(httpx.AsyncBaseTransport):
    """Forwards each request to the server; the first answer to `field` is lost on the way back, as when a
    connection drops after the server committed."""

    def __init__(self, field: str, *, drop: bool = True) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.field = field
        self.dropped = 0 if drop else 1
        self.sent: list[dict] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = json.loads(request.content)
        if f"{self.field}(" in body["query"]:
            self.sent.append(body["variables"])
            if not self.dropped:
                await response.aread()  # the server answered: its transaction is committed
                await response.aclose()
                self.dropped += 1
                raise httpx.ReadError("connection reset by peer", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("field", ["reserveCredits", "settleCredits"])
async def test_a_dropped_answer_is_retried_with_the_same_key_and_moves_the_balance_once(
    stack: Stack, org: str, field: str
) -> None:
    before = await stack.val(
        "select used_this_period from organization_credit_balances where organization_id = $1", org
    )
    drop = DropAnswerOnce(field)
    async with stack.client(org, http_transport=drop) as credits:
        async with ai_call(credits, "question_generation", "fast", idempotency_key="job-7") as call:
            if field == "reserveCredits":
                assert call.reservation.replayed  # the retry found the reservation the lost answer created
            settlement = await call.settle(
                usage=Usage(input_tokens=4000, output_tokens=1000, model="openai/gpt-4o-mini")
            )
    assert drop.dropped == 1 and len(drop.sent) == 2
    assert drop.sent[0] == drop.sent[1]  # the very same variables: key, reservation, usage
    assert settlement.replayed == (field == "settleCredits")
    assert settlement.settled_credits == Decimal("1.20")
    assert await stack.val("select count(*) from credit_reservations where organization_id = $1", org) == 1
    consumption = await stack.sql(
        "select credits_amount from credit_transactions"
        " where organization_id = $1 and transaction_type = 'ai_consumption'",
        org,
    )
    assert [r[0] for r in consumption] == [Decimal("-1.20")]
    after = await stack.val(
        "select used_this_period from organization_credit_balances where organization_id = $1", org
    )
    assert after - before == Decimal("1.20")
    assert (
        await stack.val(
            "select reserved_credits from organization_credit_balances where organization_id = $1", org
        )
        == 0
    )
    assert await stack.invariants(org) == []


async def test_an_unreachable_server_is_given_up_on_within_the_budget(stack: Stack) -> None:
    from tests.servers import free_port

    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, total_timeout=5)
    async with CreditsClient(
        f"http://127.0.0.1:{free_port()}/v1/graphql", token="t", retry=policy
    ) as credits:
        with pytest.raises(TransportFailed) as caught:
            await credits.check_access("question_generation", "fast")
    assert caught.value.retryable and caught.value.request_id


async def test_a_refusal_is_not_retried(stack: Stack, org: str) -> None:
    seen = DropAnswerOnce("settleCredits", drop=False)
    async with stack.client(org, http_transport=seen) as credits:
        with pytest.raises(ReservationNotFound):
            await credits.settle("no_such_reservation", credits="1.00")
    assert len(seen.sent) == 1


def test_database_outages_are_a_retryable_exception() -> None:
    for error in (
        {
            "message": "database unavailable",
            "extensions": {"code": "DATABASE_UNAVAILABLE", "retryable": True},
        },
        {"message": "connection refused", "extensions": {"code": "postgres-error"}},
    ):
        exc = error_from_graphql(error, "req-1")
        assert isinstance(exc, DatabaseUnavailable) and exc.retryable and exc.request_id == "req-1"


def test_backoff_is_jittered_and_bounded() -> None:
    delays = [FAST_RETRIES.delay(n) for n in range(1, 50)]
    assert all(0 <= d <= FAST_RETRIES.max_delay for d in delays)
    assert len(set(delays)) > 40  # jitter: retries of many clients do not line up
