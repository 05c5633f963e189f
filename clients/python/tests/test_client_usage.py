"""Settling by token usage through the client: the documented formula for several models and token counts,
fallbacks, and what the ledger and the usage view show to whom."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

import pytest
from conftest import Stack
from credits_client import ModelNotAllowed, Usage, ai_call

PRICES = {  # USD per million tokens (input, output): the catalog's list prices
    "openai/gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "google/gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "anthropic/claude-sonnet-4-20250514": (Decimal("3.00"), Decimal("15.00")),
    "openai/gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
}


def formula(model: str, input_tokens: int, output_tokens: int) -> tuple[Decimal, Decimal]:
    """docs/credit-core.md: exact USD cost; x 1000 credits per USD, rounded up to 0.01."""
    price_in, price_out = PRICES[model]
    cost = (input_tokens * price_in + output_tokens * price_out) / 1_000_000
    return cost, (cost * 1000).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


@pytest.mark.parametrize(
    ("model", "input_tokens", "output_tokens"),
    [
        ("openai/gpt-4o", 0, 0),
        ("openai/gpt-4o", 1, 0),
        ("openai/gpt-4o", 3210, 987),
        ("google/gemini-2.5-flash", 12345, 6789),  # a fallback of the level
        ("anthropic/claude-sonnet-4-20250514", 20000, 1500),  # the last fallback
    ],
)
async def test_usage_is_charged_by_the_formula_for_the_model_used(
    stack: Stack, org: str, model: str, input_tokens: int, output_tokens: int
) -> None:
    cost, credits_due = formula(model, input_tokens, output_tokens)
    async with stack.client(org) as credits:
        async with ai_call(credits, "testimonial_assembly", "enhanced", estimate="40.00") as call:
            assert model in [call.model.unique_name, *(m.unique_name for m in call.fallbacks)]
            s = await call.settle(
                usage=Usage(input_tokens=input_tokens, output_tokens=output_tokens, model=model)
            )
    assert (s.settled_credits, s.provider_cost_usd, s.settled_model) == (credits_due, cost, model)
    assert (s.input_tokens, s.output_tokens) == (input_tokens, output_tokens)
    assert s.balance.used_this_period == credits_due and s.balance.reserved == 0
    rows = await stack.sql(
        "select t.credits_amount, t.input_tokens, t.output_tokens, t.provider_cost_usd, m.unique_name"
        " from credit_transactions t join llm_models m on m.id = t.llm_model_id"
        " where t.organization_id = $1 and t.transaction_type = 'ai_consumption'",
        org,
    )
    if credits_due == 0:
        assert rows == []  # nothing was spent: no ledger row
    else:
        assert [tuple(r) for r in rows] == [(-credits_due, input_tokens, output_tokens, cost, model)]
    assert await stack.invariants(org) == []


async def test_very_large_token_counts_within_a_raised_ceiling(stack: Stack) -> None:
    org = await stack.new_org("plan_team")
    await stack.sql(
        "insert into credit_pricing (plan_id, settle_ceiling_credits) values ('plan_team', 9999999999)"
    )
    try:
        await stack.sql("select grant_credits($1, 200000, 'admin_adjustment', 'fund-large')", org)
        tokens = 2**31 - 1  # the largest GraphQL Int
        async with stack.client(org) as credits:
            async with ai_call(credits, "question_generation", "fast", estimate="200000") as call:
                s = await call.settle(
                    usage=Usage(input_tokens=tokens, output_tokens=tokens, model="openai/gpt-4o-mini")
                )
        assert (s.provider_cost_usd, s.settled_credits) == formula("openai/gpt-4o-mini", tokens, tokens)
        assert s.settled_credits == Decimal("1610612.74")
        assert await stack.invariants(org) == []
    finally:
        await stack.sql("delete from credit_pricing where plan_id = 'plan_team'")


async def test_a_model_of_another_level_is_refused_and_the_hold_released(stack: Stack, org: str) -> None:
    async with stack.client(org) as credits:
        with pytest.raises(ModelNotAllowed):
            async with ai_call(credits, "question_generation", "fast") as call:
                await call.settle(usage=Usage(input_tokens=10, output_tokens=10, model="openai/gpt-4o"))
    assert (
        await stack.val("select status from credit_reservations where organization_id = $1", org)
        == "released"
    )
    assert await stack.val("select count(*) from credit_transactions where organization_id = $1", org) == 1


async def test_members_see_tokens_and_only_admin_sees_the_provider_cost(stack: Stack, org: str) -> None:
    async with stack.client(org) as credits:
        async with ai_call(credits, "question_generation", "fast") as call:
            await call.settle(
                usage=Usage(input_tokens=3000, output_tokens=700, model="google/gemini-2.0-flash")
            )
    async with stack.client(org, "member") as member:
        [day] = await member.usage()
        assert (day.llm_model_id, day.input_tokens, day.output_tokens, day.credits) == (
            "llm_gemini_2_0_flash",
            3000,
            700,
            Decimal("0.58"),  # (3000 x 0.10 + 700 x 0.40) / 1e6 = 0.00058 USD
        )
        denied = "{ credit_usage_daily { provider_cost_usd } }"
        with pytest.raises(Exception, match="provider_cost_usd"):
            await member.execute(denied)
    async with stack.client(org, "admin") as admin:
        data = await admin.execute(
            "query($o: String!) {"
            " credit_usage_daily(where: {organization_id: {_eq: $o}}) { provider_cost_usd } }",
            {"o": org},
        )
    assert [Decimal(str(r["provider_cost_usd"])) for r in data["credit_usage_daily"]] == [Decimal("0.00058")]
