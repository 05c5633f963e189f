"""Concurrent reserves and settles of one organization share a transaction (actions/batching.py), and every
answer is still the one each call would get alone: exactly-k under contention, replays, rate limits, and
one item's refusal leaving the others standing.

Each test holds the organization's balance row lock from another connection while its calls arrive, so the
first call waits in flight and the rest queue behind it; releasing the lock lets the first commit alone and
the rest run as one batch. Rows written in one transaction share its start time (`now()`), which is how the
tests see that a batch was formed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from actions.batching import batches_of

from .helpers import Hasura, balance, key, new_org, session


def reserve_args(**overrides: object) -> dict[str, Any]:
    args: dict[str, Any] = {
        "capability": "question_generation",
        "qualityLevel": "fast",
        "idempotencyKey": key(),
    }
    args.update(overrides)
    return args


@asynccontextmanager
async def balance_locked(pool: asyncpg.Pool, org: str) -> AsyncIterator[None]:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "select 1 from organization_credit_balances where organization_id = $1 for update", org
        )
        yield


async def run_as_one_batch(
    hasura: Hasura, org: str, calls: list[Callable[[], Awaitable[httpx.Response]]]
) -> list[httpx.Response]:
    """Start `calls` while the org's balance is locked; once all but the first are queued, unlock."""
    async with balance_locked(hasura.pool, org):
        tasks = [asyncio.ensure_future(call()) for call in calls]
        for _ in range(500):
            if batches_of(hasura.pool).waiting(org) == len(calls) - 1:
                break
            await asyncio.sleep(0.01)
        assert batches_of(hasura.pool).waiting(org) == len(calls) - 1
    return list(await asyncio.gather(*tasks))


def code(response: httpx.Response) -> str:
    return "ok" if response.status_code == 200 else response.json()["extensions"]["code"]


async def invariants(pool: asyncpg.Pool, org: str) -> list[str]:
    async with pool.acquire() as conn:
        return [r["invariant"] for r in await conn.fetch("select * from check_credit_invariants($1)", org)]


async def transactions_of_reservations(pool: asyncpg.Pool, org: str) -> list[int]:
    """How many reservations each writing transaction made, largest first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "select count(*) as n from credit_reservations where organization_id = $1"
            " group by created_at order by n desc",
            org,
        )
    return [r["n"] for r in rows]


async def test_concurrent_reserves_in_one_batch_grant_exactly_what_the_balance_allows(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")  # 500 credits
    service = session("service", org)
    responses = await run_as_one_batch(
        hasura,
        org,
        [
            lambda: hasura.call("reserveCredits", reserve_args(estimatedCredits="100"), service)
            for _ in range(12)
        ],
    )
    assert sorted(map(code, responses)) == ["INSUFFICIENT_CREDITS"] * 7 + ["ok"] * 5
    assert (await balance(hasura.pool, org))["reserved_credits"] == Decimal("500.00")
    # The first call alone, then its four successors in one transaction (the refused wrote nothing).
    assert await transactions_of_reservations(hasura.pool, org) == [4, 1]
    assert await invariants(hasura.pool, org) == []


async def test_replays_inside_a_batch_reserve_and_settle_once(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    service = session("service", org)
    args = reserve_args(estimatedCredits="3")
    responses = await run_as_one_batch(
        hasura, org, [lambda: hasura.call("reserveCredits", args, service) for _ in range(6)]
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["reservationId"] for r in responses}) == 1
    assert sorted(r.json()["replayed"] for r in responses) == [False] + [True] * 5

    settle = {"reservationId": responses[0].json()["reservationId"], "actualCredits": "2.5"}
    settled = await run_as_one_batch(
        hasura, org, [lambda: hasura.call("settleCredits", settle, service) for _ in range(5)]
    )
    assert {r.status_code for r in settled} == {200}
    assert sorted(r.json()["replayed"] for r in settled) == [False] + [True] * 4
    assert len({r.json()["transactionId"] for r in settled}) == 1
    async with hasura.pool.acquire() as conn:
        ledger = await conn.fetchval(
            "select count(*) from credit_transactions where organization_id = $1 and"
            " transaction_type = 'ai_consumption'",
            org,
        )
    assert ledger == 1
    after = await balance(hasura.pool, org)
    assert (after["reserved_credits"], after["used_this_period"]) == (Decimal("0.00"), Decimal("2.50"))
    assert await invariants(hasura.pool, org) == []


async def test_a_refused_item_is_its_own_answer_and_the_batch_stands(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    service = session("service", org)
    held = await hasura.ok("reserveCredits", reserve_args(estimatedCredits="10"), service)
    by_tokens = await hasura.ok("reserveCredits", reserve_args(estimatedCredits="10"), service)
    tokens = {"inputTokens": 2000, "outputTokens": 1000, "model": "openai/gpt-4o-mini"}
    released = await hasura.ok("reserveCredits", reserve_args(estimatedCredits="1"), service)
    await hasura.ok("releaseCredits", {"reservationId": released["reservationId"], "reason": "test"}, service)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("reserveCredits", reserve_args(estimatedCredits="1")),
        ("reserveCredits", reserve_args(capability="nope")),
        ("settleCredits", {"reservationId": held["reservationId"], "actualCredits": "4"}),
        ("reserveCredits", reserve_args(estimatedCredits="100000")),
        ("settleCredits", {"reservationId": "res_missing000", "actualCredits": "1"}),
        ("settleCredits", {"reservationId": released["reservationId"], "actualCredits": "1"}),
        ("reserveCredits", reserve_args(ttlSeconds=0)),
        ("reserveCredits", reserve_args(estimatedCredits="2")),
        (
            "settleCredits",
            {"reservationId": by_tokens["reservationId"], "usage": {**tokens, "model": "acme/x"}},
        ),
        ("settleCredits", {"reservationId": by_tokens["reservationId"], "usage": tokens}),
    ]
    responses = await run_as_one_batch(
        hasura, org, [lambda name=name, args=args: hasura.call(name, args, service) for name, args in calls]
    )
    assert list(map(code, responses)) == [
        "ok",
        "CAPABILITY_UNKNOWN",
        "ok",
        "INSUFFICIENT_CREDITS",
        "RESERVATION_NOT_FOUND",
        "RESERVATION_RELEASED",
        "INVALID_ARGUMENT",
        "ok",
        "MODEL_UNKNOWN",
        "ok",
    ]
    for response in responses:
        if response.status_code != 200:
            assert response.status_code == 400
            assert set(response.json()) == {"message", "extensions"}
    priced = -Decimal(responses[-1].json()["creditsAmount"])
    assert priced > 0
    after = await balance(hasura.pool, org)
    assert (after["reserved_credits"], after["used_this_period"]) == (Decimal("3.00"), 4 + priced)
    assert await invariants(hasura.pool, org) == []


async def test_rate_limit_counts_the_items_before_it_in_the_batch(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")  # 10 reservations per minute
    service = session("service", org)
    responses = await run_as_one_batch(
        hasura,
        org,
        [
            lambda: hasura.call("reserveCredits", reserve_args(estimatedCredits="0.01"), service)
            for _ in range(14)
        ],
    )
    assert sorted(map(code, responses)) == ["RATE_LIMIT_MINUTE"] * 4 + ["ok"] * 10
    assert await transactions_of_reservations(hasura.pool, org) == [9, 1]
    assert await invariants(hasura.pool, org) == []


async def test_unknown_organization_fails_each_item_alone(hasura: Hasura) -> None:
    service = session("service", "org_nobody")
    responses = await asyncio.gather(
        *(hasura.call("reserveCredits", reserve_args(), service) for _ in range(5)),
        hasura.call("reserveCredits", reserve_args(idempotencyKey=""), service),
    )
    assert list(map(code, responses)) == ["ORGANIZATION_NOT_FOUND"] * 5 + ["INVALID_ARGUMENT"]
