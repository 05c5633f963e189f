"""settle_credits by token usage (priced in SQL from llm_models and credit_pricing) and the settle ceiling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import ROUND_CEILING, Decimal
from typing import Any

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    T0,
    assert_invariants,
    balance,
    connect,
    expect_error,
    grant,
    ledger,
    new_org,
    reserve,
    settle,
)

PRICES = {  # USD per million tokens (input, output), as in the catalog migration
    "openai/gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "openai/gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "google/gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "anthropic/claude-sonnet-4-20250514": (Decimal("3.00"), Decimal("15.00")),
}
CREDITS_PER_USD = Decimal(1000)  # the global credit_pricing row


def expected(model: str, input_tokens: int, output_tokens: int) -> tuple[Decimal, Decimal]:
    """docs/credit-core.md's formula: exact USD cost, credits rounded up to 0.01."""
    cost_in, cost_out = PRICES[model]
    cost = (input_tokens * cost_in + output_tokens * cost_out) / Decimal(1_000_000)
    credits = (cost * CREDITS_PER_USD).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return cost, credits


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def settle_usage(
    conn: asyncpg.Connection, org: str, reservation_id: str, input_tokens: int, output_tokens: int, model: str
) -> Any:
    return await conn.fetchval(
        "select settle_credits($1, $2, null, null, null, $3, $4, $5, $6)",
        org,
        reservation_id,
        T0,
        input_tokens,
        output_tokens,
        model,
    )


async def untouched(conn: asyncpg.Connection, org: str, reservation_id: str, before: asyncpg.Record) -> None:
    """A refused settle wrote nothing: same balance row, the reservation still pending, no consumption row."""
    assert await balance(conn, org) == before
    status = await conn.fetchval("select status from credit_reservations where id = $1", reservation_id)
    assert status == "pending"
    assert [
        t["transaction_type"] for t in await ledger(conn, org) if t["transaction_type"] == "ai_consumption"
    ] == []
    await assert_invariants(conn, org)


# --- the ceiling -----------------------------------------------------------------------------------


async def test_a_settle_far_above_the_hold_is_refused_and_writes_nothing(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)  # pro: 500 monthly credits
    r = await reserve(conn, org, "k", amount=50)
    before = await balance(conn, org)
    err = await expect_error(
        "SETTLE_CEILING_EXCEEDED", settle(conn, org, r["reservation_id"], "999999999.00")
    )
    assert "at most 500.00 credits for a hold of 50.00" in err.args[0]
    await untouched(conn, org, r["reservation_id"], before)
    await expect_error("SETTLE_CEILING_EXCEEDED", settle(conn, org, r["reservation_id"], "500.01"))
    s = await settle(conn, org, r["reservation_id"], "500.00")  # exactly 10x the hold is allowed
    assert s["balance"]["available"] == 0
    await assert_invariants(conn, org)


async def test_the_absolute_cap_bounds_a_large_hold(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    await grant(conn, org, 20000, "admin_adjustment", "fund")
    r = await reserve(conn, org, "k", amount=2000)  # 10x = 20000, but the cap is 10000
    before = await balance(conn, org)
    await expect_error("SETTLE_CEILING_EXCEEDED", settle(conn, org, r["reservation_id"], "10000.01"))
    await untouched(conn, org, r["reservation_id"], before)
    assert (await settle(conn, org, r["reservation_id"], 10000))["settled_credits"] == 10000


async def test_a_plan_row_overrides_the_global_factor(conn: asyncpg.Connection) -> None:
    await conn.execute("insert into credit_pricing (plan_id, settle_ceiling_factor) values ('plan_free', 2)")
    try:
        free, pro = await new_org(conn, "plan_free"), await new_org(conn)
        rf = await reserve(conn, free, "k", "question_generation", "fast", amount=3)
        rp = await reserve(conn, pro, "k", "question_generation", "fast", amount=3)
        await expect_error("SETTLE_CEILING_EXCEEDED", settle(conn, free, rf["reservation_id"], "6.01"))
        assert (await settle(conn, free, rf["reservation_id"], "6.00"))["settled_credits"] == 6
        assert (await settle(conn, pro, rp["reservation_id"], "30.00"))["settled_credits"] == 30
    finally:
        await conn.execute("delete from credit_pricing where plan_id = 'plan_free'")


async def test_the_global_row_must_hold_every_setting(conn: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("update credit_pricing set credits_per_usd = null where plan_id is null")


# --- usage pricing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "input_tokens", "output_tokens"),
    [
        ("openai/gpt-4o", 1000, 500),
        ("openai/gpt-4o", 1, 0),  # a millionth of a cent still costs 0.01 credits
        ("google/gemini-2.5-flash", 12345, 6789),
        ("anthropic/claude-sonnet-4-20250514", 40000, 4000),
    ],
)
async def test_usage_is_charged_by_the_documented_formula(
    conn: asyncpg.Connection, model: str, input_tokens: int, output_tokens: int
) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "testimonial_assembly", "enhanced", amount=50)
    s = await settle_usage(conn, org, r["reservation_id"], input_tokens, output_tokens, model)
    cost, credits = expected(model, input_tokens, output_tokens)
    assert (s["settled_credits"], s["credits_amount"]) == (credits, -credits)
    assert (s["input_tokens"], s["output_tokens"], s["settled_model"]) == (input_tokens, output_tokens, model)
    assert s["provider_cost_usd"] == cost
    [row] = [t for t in await ledger(conn, org) if t["transaction_type"] == "ai_consumption"]
    assert (row["input_tokens"], row["output_tokens"], row["provider_cost_usd"]) == (
        input_tokens,
        output_tokens,
        cost,
    )
    assert row["llm_model_id"] == await conn.fetchval(
        "select id from llm_models where unique_name = $1", model
    )
    day = await conn.fetchrow(
        "select operations, credits, input_tokens, output_tokens, provider_cost_usd from credit_usage_daily"
        " where organization_id = $1",
        org,
    )
    assert tuple(day) == (1, credits, input_tokens, output_tokens, cost)
    again = await settle_usage(conn, org, r["reservation_id"], input_tokens, output_tokens, model)
    assert (again["replayed"], again["transaction_id"]) == (True, s["transaction_id"])
    await assert_invariants(conn, org)


async def test_zero_tokens_cost_nothing_and_write_no_row(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "question_generation", "fast")
    s = await settle_usage(conn, org, r["reservation_id"], 0, 0, "openai/gpt-4o-mini")
    assert (s["status"], s["settled_credits"], s["transaction_id"], s["provider_cost_usd"]) == (
        "settled",
        0,
        None,
        0,
    )
    assert [t["transaction_type"] for t in await ledger(conn, org)] == ["plan_allocation"]
    await assert_invariants(conn, org)


@pytest.mark.parametrize(("input_tokens", "output_tokens"), [(2**31 - 1, 2**31 - 1), (10**12, 10**12)])
async def test_very_large_token_counts_are_priced_exactly(
    conn: asyncpg.Connection, input_tokens: int, output_tokens: int
) -> None:
    price = await conn.fetchrow(
        "select * from credits_usage_price($1, $2, 0.15, 0.60, 1000)", input_tokens, output_tokens
    )
    assert (price["cost_usd"], price["credits"]) == expected(
        "openai/gpt-4o-mini", input_tokens, output_tokens
    )


async def test_a_very_large_usage_settles_within_a_raised_ceiling(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "insert into credit_pricing (plan_id, settle_ceiling_credits) values ('plan_team', 9999999999)"
    )
    try:
        org = await new_org(conn, "plan_team")
        await grant(conn, org, 200000, "admin_adjustment", "fund")
        r = await reserve(conn, org, "k", "question_generation", "fast", amount=200000)
        tokens = 2**31 - 1
        s = await settle_usage(conn, org, r["reservation_id"], tokens, tokens, "openai/gpt-4o-mini")
        assert (
            s["settled_credits"] == expected("openai/gpt-4o-mini", tokens, tokens)[1] == Decimal("1610612.74")
        )
        await assert_invariants(conn, org)
    finally:
        await conn.execute("delete from credit_pricing where plan_id = 'plan_team'")


async def test_usage_above_the_ceiling_is_refused(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "question_generation", "fast")  # hold 1.00, ceiling 10.00
    before = await balance(conn, org)
    await expect_error(
        "SETTLE_CEILING_EXCEEDED",
        settle_usage(conn, org, r["reservation_id"], 10**8, 0, "openai/gpt-4o-mini"),
    )
    await untouched(conn, org, r["reservation_id"], before)


async def test_a_credits_per_usd_override_prices_a_plan(conn: asyncpg.Connection) -> None:
    await conn.execute("insert into credit_pricing (plan_id, credits_per_usd) values ('plan_team', 2000)")
    try:
        org = await new_org(conn, "plan_team")
        r = await reserve(conn, org, "k", "question_generation", "fast")
        s = await settle_usage(conn, org, r["reservation_id"], 1000, 500, "openai/gpt-4o-mini")
        assert s["settled_credits"] == Decimal("0.90")  # 0.00045 USD x 2000
    finally:
        await conn.execute("delete from credit_pricing where plan_id = 'plan_team'")


# --- which model -----------------------------------------------------------------------------------


async def test_a_fallback_of_the_plan_is_allowed_and_recorded(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "question_generation", "fast")  # default: openai/gpt-4o-mini
    s = await settle_usage(conn, org, r["reservation_id"], 2000, 300, "google/gemini-2.0-flash")
    assert s["settled_model"] == "google/gemini-2.0-flash"
    assert s["model"]["unique_name"] == "openai/gpt-4o-mini"  # the reservation keeps what was reserved
    [row] = [t for t in await ledger(conn, org) if t["transaction_type"] == "ai_consumption"]
    assert row["llm_model_id"] == "llm_gemini_2_0_flash"


@pytest.mark.parametrize(
    ("model", "code"),
    [
        ("openai/gpt-4o", "MODEL_NOT_ALLOWED"),  # a real model, but not one of this level's
        ("acme/unknown-model", "MODEL_UNKNOWN"),
    ],
)
async def test_another_model_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, model: str, code: str
) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "question_generation", "fast")
    before = await balance(conn, org)
    await expect_error(code, settle_usage(conn, org, r["reservation_id"], 10, 10, model))
    await untouched(conn, org, r["reservation_id"], before)


async def test_a_model_without_prices_cannot_settle_by_usage(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "insert into llm_models (id, unique_name, provider, model_id, display_name, quality_tier)"
        " values ('llm_unpriced', 'openai/unpriced', 'openai', 'unpriced', 'Unpriced', 'fast')"
    )
    await conn.execute(
        "insert into plan_quality_level_models (plan_ai_capability_quality_level_id, llm_model_id, priority)"
        " select pm.plan_ai_capability_quality_level_id, 'llm_unpriced', 9 from plan_quality_level_models pm"
        " where pm.id = 'pqlm_pro_question_generation_fast_openai'"
    )
    try:
        org = await new_org(conn)
        r = await reserve(conn, org, "k", "question_generation", "fast")
        before = await balance(conn, org)
        await expect_error(
            "MODEL_PRICE_MISSING", settle_usage(conn, org, r["reservation_id"], 10, 10, "openai/unpriced")
        )
        await untouched(conn, org, r["reservation_id"], before)
        assert (await settle(conn, org, r["reservation_id"], "0.50"))["settled_credits"] == Decimal("0.50")
    finally:
        await conn.execute("delete from plan_quality_level_models where llm_model_id = 'llm_unpriced'")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("1.00", -1, 5, "openai/gpt-4o-mini"), "INVALID_ARGUMENT"),  # both forms
        ((None, -1, 5, "openai/gpt-4o-mini"), "INVALID_ARGUMENT"),  # negative tokens
        ((None, 5, None, "openai/gpt-4o-mini"), "INVALID_ARGUMENT"),  # half a usage
        ((None, 5, 5, None), "INVALID_ARGUMENT"),  # no model
        ((None, 10**12 + 1, 0, "openai/gpt-4o-mini"), "INVALID_ARGUMENT"),
        ((None, None, None, None), "INVALID_AMOUNT"),  # neither form
    ],
)
async def test_bad_usage_input_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, args: tuple[Any, ...], code: str
) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k", "question_generation", "fast")
    before = await balance(conn, org)
    actual, input_tokens, output_tokens, model = args
    await expect_error(
        code,
        conn.fetchval(
            "select settle_credits($1, $2, $3, null, null, $4, $5, $6, $7)",
            org,
            r["reservation_id"],
            None if actual is None else Decimal(actual),
            T0,
            input_tokens,
            output_tokens,
            model,
        ),
    )
    await untouched(conn, org, r["reservation_id"], before)
