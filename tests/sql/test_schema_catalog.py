"""The catalog the migrations insert: plans, quality levels, capabilities, models, model routing, packages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from tests.sql import rolled_back

MODELS_BY_QUALITY = {
    # quality level -> models in fallback order (the first is the default)
    "fast": ["openai/gpt-4o-mini", "google/gemini-2.0-flash", "anthropic/claude-3-5-haiku-latest"],
    "enhanced": ["openai/gpt-4o", "google/gemini-2.5-flash", "anthropic/claude-sonnet-4-20250514"],
    "premium": ["openai/gpt-4o", "google/gemini-2.5-pro", "anthropic/claude-sonnet-4-20250514"],
}
ALL_CAPABILITIES = ["question_generation", "testimonial_assembly", "testimonial_polish"]
PLANS = {
    # plan -> (monthly credits, capabilities, quality levels, rpm, rpd)
    "free": (10, ["question_generation"], ["fast"], 10, 50),
    "pro": (500, ALL_CAPABILITIES, ["fast", "enhanced"], 30, 500),
    "team": (2000, ALL_CAPABILITIES, ["fast", "enhanced", "premium"], None, None),
}


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(db_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.mark.parametrize(
    ("table", "count"),
    [
        ("plans", 3),
        ("quality_levels", 3),
        ("ai_capabilities", 3),
        ("llm_models", 7),
        ("plan_ai_capabilities", 7),
        ("plan_ai_capability_quality_levels", 16),
        ("plan_quality_level_models", 48),
        ("credit_topup_packages", 3),
    ],
)
async def test_catalog_row_counts(conn: asyncpg.Connection, table: str, count: int) -> None:
    assert await conn.fetchval(f"select count(*) from public.{table}") == count


async def test_plans_monthly_credits(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select id, unique_name, monthly_ai_credits, is_active from plans order by display_order"
    )
    assert [(r["id"], r["unique_name"], r["monthly_ai_credits"], r["is_active"]) for r in rows] == [
        ("plan_free", "free", 10, True),
        ("plan_pro", "pro", 500, True),
        ("plan_team", "team", 2000, True),
    ]


async def test_quality_levels(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select id, unique_name, display_order, credit_multiplier from quality_levels order by 3"
    )
    assert [tuple(r) for r in rows] == [
        ("ql_fast", "fast", 1, Decimal("1.00")),
        ("ql_enhanced", "enhanced", 2, Decimal("1.50")),
        ("ql_premium", "premium", 3, Decimal("3.00")),
    ]


async def test_capability_estimates_per_quality_level(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select unique_name, estimated_credits_fast, estimated_credits_enhanced, estimated_credits_premium"
        " from ai_capabilities order by unique_name"
    )
    assert [tuple(r) for r in rows] == [
        ("question_generation", Decimal("1.00"), Decimal("1.50"), Decimal("3.00")),
        ("testimonial_assembly", Decimal("2.00"), Decimal("3.00"), Decimal("6.00")),
        ("testimonial_polish", Decimal("1.00"), Decimal("1.50"), Decimal("3.00")),
    ]


async def test_llm_models(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch("select unique_name, provider, model_id, quality_tier from llm_models order by 1")
    assert [tuple(r) for r in rows] == [
        ("anthropic/claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest", "fast"),
        ("anthropic/claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-20250514", "balanced"),
        ("google/gemini-2.0-flash", "google", "gemini-2.0-flash", "fast"),
        ("google/gemini-2.5-flash", "google", "gemini-2.5-flash", "balanced"),
        ("google/gemini-2.5-pro", "google", "gemini-2.5-pro", "powerful"),
        ("openai/gpt-4o", "openai", "gpt-4o", "balanced"),
        ("openai/gpt-4o-mini", "openai", "gpt-4o-mini", "fast"),
    ]
    priced = await conn.fetchval(
        "select count(*) from llm_models where input_cost_per_million > 0 and output_cost_per_million > 0"
        " and context_window > 0 and is_active and deprecated_at is null"
    )
    assert priced == 7


async def test_topup_packages_and_generated_price_per_credit(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select unique_name, credits, price_usd_cents, price_per_credit"
        " from credit_topup_packages order by display_order"
    )
    assert [tuple(r) for r in rows] == [
        ("starter", 100, 999, Decimal("0.0999")),
        ("popular", 500, 3999, Decimal("0.0800")),
        ("power", 2000, 12999, Decimal("0.0650")),
    ]


async def test_price_per_credit_follows_the_price(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute("update credit_topup_packages set price_usd_cents = 1500 where id = 'pkg_starter'")
        value = await conn.fetchval(
            "select price_per_credit from credit_topup_packages where id = 'pkg_starter'"
        )
    assert value == Decimal("0.1500")


async def test_plan_capabilities_and_rate_limits(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select p.unique_name as plan, c.unique_name as capability, pac.is_enabled,
                  pac.rate_limit_rpm, pac.rate_limit_rpd, pac.id
           from plan_ai_capabilities pac
           join plans p on p.id = pac.plan_id
           join ai_capabilities c on c.id = pac.ai_capability_id"""
    )
    found: dict[str, list[str]] = {}
    for r in rows:
        _, _, _, rpm, rpd = PLANS[r["plan"]]
        assert (r["is_enabled"], r["rate_limit_rpm"], r["rate_limit_rpd"]) == (True, rpm, rpd), dict(r)
        assert r["id"] == f"pac_{r['plan']}_{r['capability']}"
        found.setdefault(r["plan"], []).append(r["capability"])
    assert {plan: sorted(caps) for plan, caps in found.items()} == {
        plan: spec[1] for plan, spec in PLANS.items()
    }


async def test_plan_quality_levels_per_capability(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select p.unique_name as plan, c.unique_name as capability, ql.unique_name as quality
           from plan_ai_capability_quality_levels pacql
           join plan_ai_capabilities pac on pac.id = pacql.plan_ai_capability_id
           join plans p on p.id = pac.plan_id
           join ai_capabilities c on c.id = pac.ai_capability_id
           join quality_levels ql on ql.id = pacql.quality_level_id
           order by p.display_order, c.unique_name, ql.display_order"""
    )
    expected = [
        (plan, capability, quality)
        for plan, (_, capabilities, qualities, _, _) in PLANS.items()
        for capability in capabilities
        for quality in qualities
    ]
    assert [tuple(r) for r in rows] == expected


async def test_default_model_and_fallback_order_per_plan_quality_level(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select p.unique_name as plan, c.unique_name as capability, ql.unique_name as quality,
                  array_agg(m.unique_name order by pqlm.priority) as models,
                  array_agg(pqlm.priority order by pqlm.priority) as priorities,
                  array_agg(pqlm.is_default order by pqlm.priority) as defaults
           from plan_quality_level_models pqlm
           join plan_ai_capability_quality_levels pacql on pacql.id = pqlm.plan_ai_capability_quality_level_id
           join plan_ai_capabilities pac on pac.id = pacql.plan_ai_capability_id
           join plans p on p.id = pac.plan_id
           join ai_capabilities c on c.id = pac.ai_capability_id
           join quality_levels ql on ql.id = pacql.quality_level_id
           join llm_models m on m.id = pqlm.llm_model_id
           group by 1, 2, 3"""
    )
    assert len(rows) == 16
    for r in rows:
        assert r["models"] == MODELS_BY_QUALITY[r["quality"]], dict(r)
        assert r["priorities"] == [0, 1, 2]
        assert r["defaults"] == [True, False, False]


async def test_a_second_default_model_for_one_quality_level_is_refused(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(
                "update plan_quality_level_models set is_default = true"
                " where id = 'pqlm_pro_question_generation_fast_google'"
            )
