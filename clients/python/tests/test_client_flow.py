"""A metered call end to end through the client: reserve → call → settle, and release on any other exit."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest
from conftest import Stack
from credits_client import (
    CreditsClient,
    SyncCreditsClient,
    UnsettledCallWarning,
    Usage,
    ai_call,
    execute_with_ai_access,
)


class ModelTimeout(Exception):
    pass


async def reservation_rows(stack: Stack, org: str) -> list[tuple[str, Decimal | None, str | None]]:
    rows = await stack.sql(
        "select status, settled_credits, release_reason from credit_reservations where organization_id = $1",
        org,
    )
    return [tuple(r) for r in rows]


async def test_a_metered_call_reserves_uses_the_model_and_settles_by_usage(
    stack: Stack, org: str, credits: CreditsClient
) -> None:
    async with ai_call(credits, "question_generation", "fast") as call:
        assert call.model.unique_name == "openai/gpt-4o-mini"
        assert [m.unique_name for m in call.fallbacks] == [
            "google/gemini-2.0-flash",
            "anthropic/claude-3-5-haiku-latest",
        ]
        assert call.reservation.reserved_credits == Decimal("1.00")
        settlement = await call.settle(
            usage=Usage(input_tokens=2000, output_tokens=500, model=call.model.unique_name),
            provider_request_id="chatcmpl-1",
        )
    # (2000 x 0.15 + 500 x 0.60) / 1e6 USD = 0.0006 USD x 1000 credits per USD
    assert settlement.settled_credits == Decimal("0.60")
    assert settlement.provider_cost_usd == Decimal("0.0006")
    assert settlement.balance.reserved == 0 and settlement.balance.used_this_period == Decimal("0.60")
    assert await reservation_rows(stack, org) == [("settled", Decimal("0.60"), None)]
    assert await stack.invariants(org) == []

    async with stack.client(org, "member") as member:
        [row, _allocation] = await member.transactions(limit=2)
        assert (row.transaction_type, row.credits_amount, row.input_tokens, row.output_tokens) == (
            "ai_consumption",
            Decimal("-0.60"),
            2000,
            500,
        )
        [day] = await member.usage()
        assert (day.operations, day.credits, day.input_tokens, day.output_tokens) == (
            1,
            Decimal("0.60"),
            2000,
            500,
        )
        assert (await member.balance()).used_this_period == Decimal("0.60")


async def test_an_exception_in_the_block_releases_the_hold_and_propagates(
    stack: Stack, org: str, credits: CreditsClient
) -> None:
    with pytest.raises(ModelTimeout):
        async with ai_call(credits, "question_generation", "fast", estimate="3.00") as call:
            assert call.reservation.reserved_credits == Decimal("3.00")
            raise ModelTimeout
    assert await reservation_rows(stack, org) == [("released", None, "ModelTimeout")]
    assert (await stack.snapshot(org))[0][0][2] == 0  # nothing reserved any more
    assert await stack.invariants(org) == []


async def test_leaving_the_block_unsettled_releases_with_a_warning(
    stack: Stack, org: str, credits: CreditsClient
) -> None:
    with pytest.warns(UnsettledCallWarning):
        async with credits.ai_call("question_generation", "fast"):  # the method form
            pass
    assert await reservation_rows(stack, org) == [("released", None, "left unsettled")]


async def test_a_refused_settle_inside_the_block_releases_the_hold(
    stack: Stack, org: str, credits: CreditsClient
) -> None:
    from credits_client import SettleCeilingExceeded

    with pytest.raises(SettleCeilingExceeded):
        async with ai_call(credits, "question_generation", "fast") as call:
            await call.settle(credits="10.01")  # 1.00 held: at most 10.00
    assert await reservation_rows(stack, org) == [("released", None, "SettleCeilingExceeded")]


async def test_execute_with_ai_access_returns_what_the_function_returns(
    stack: Stack, org: str, credits: CreditsClient
) -> None:
    async def summarize(call):  # type: ignore[no-untyped-def]
        await call.settle(credits=Decimal("0.25"))
        return f"summary by {call.model.model_id}"

    assert (
        await execute_with_ai_access(credits, "question_generation", "fast", summarize)
        == "summary by gpt-4o-mini"
    )
    assert await reservation_rows(stack, org) == [("settled", Decimal("0.25"), None)]


async def test_check_access_answers_a_typed_decision(stack: Stack) -> None:
    free = await stack.new_org("plan_free")
    async with stack.client(free, "viewer") as viewer:
        yes = await viewer.check_access("question_generation", "fast")
        assert (yes.allowed, yes.reason, yes.model and yes.model.unique_name) == (
            True,
            None,
            "openai/gpt-4o-mini",
        )
        assert yes.estimated_credits == Decimal("1.00") and len(yes.fallbacks) == 2
        no = await viewer.check_access("question_generation", "enhanced")
        assert (no.allowed, no.reason) == (False, "QUALITY_LEVEL_NOT_ALLOWED")
        assert [p.unique_name for p in no.unlock_plans] == ["pro", "team"]
        assert no.retry_after is None


def test_the_sync_client_meters_a_call_the_same_way(stack: Stack) -> None:
    import asyncio

    org = asyncio.run(stack.new_org())
    with SyncCreditsClient(stack.graphql_url, token=stack.token(org)) as credits:
        with credits.ai_call("question_generation", "fast") as call:
            settlement = call.settle(
                usage=Usage(input_tokens=1000, output_tokens=0, model=call.model.unique_name)
            )
        assert settlement.settled_credits == Decimal("0.15")
        with pytest.raises(ModelTimeout), credits.ai_call("question_generation", "fast"):
            raise ModelTimeout
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with credits.ai_call("question_generation", "fast"):
                pass
        assert [w.category for w in caught] == [UnsettledCallWarning]
    statuses = asyncio.run(reservation_rows(stack, org))
    assert sorted(s for s, _, _ in statuses) == ["released", "released", "settled"]
