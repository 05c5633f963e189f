"""ai_access_check: the allowed answer in full, and every denial code with what the caller needs to act."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import T0, access, connect, expect_error, grant, new_org, release, reserve


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def test_access_allowed_lists_models_limits_levels_and_balance(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    answer = await access(conn, org, "testimonial_assembly", "enhanced")
    assert answer["allowed"] is True
    assert answer["reason"] is None
    assert answer["capability"] == "testimonial_assembly"
    assert answer["quality_level"] == "enhanced"
    assert answer["estimated_credits"] == Decimal("3.00")
    assert [m["id"] for m in answer["models"]] == [
        "llm_gpt_4o",
        "llm_gemini_2_5_flash",
        "llm_claude_sonnet_4",
    ]
    assert [m["provider"] for m in answer["models"]] == ["openai", "google", "anthropic"]
    assert answer["models"][0]["is_default"] is True
    assert answer["rate_limits"] == {"rpm_limit": 30, "rpm_used": 0, "rpd_limit": 500, "rpd_used": 0}
    assert answer["allowed_quality_levels"] == ["fast", "enhanced"]
    assert answer["unlock_plans"] == []
    assert answer["plan"]["unique_name"] == "pro"
    bal = answer["balance"]
    assert (bal["available"], bal["spendable"], bal["monthly_remaining"]) == (500, 500, 500)
    assert (bal["bonus"], bal["reserved"], bal["used_this_period"]) == (0, 0, 0)
    assert bal["low_balance_threshold"] == Decimal("100.00")
    assert bal["period_end"].startswith("2026-02-01")


async def test_access_check_changes_nothing(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    for _ in range(3):
        await access(conn, org, "testimonial_polish", "fast")
    assert (
        await conn.fetchval("select count(*) from credit_reservations where organization_id = $1", org) == 0
    )
    assert (
        await conn.fetchval(
            "select reserved_credits from organization_credit_balances where organization_id = $1", org
        )
        == 0
    )


async def test_team_premium_has_no_rate_limits(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_team")
    answer = await access(conn, org, "testimonial_polish", "premium")
    assert answer["allowed"] is True
    assert answer["rate_limits"] == {"rpm_limit": None, "rpm_used": None, "rpd_limit": None, "rpd_used": None}
    assert answer["models"][0]["id"] == "llm_gpt_4o"
    assert answer["allowed_quality_levels"] == ["fast", "enhanced", "premium"]


async def test_unknown_capability(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    answer = await access(conn, org, "mind_reading", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "CAPABILITY_UNKNOWN")


async def test_unknown_quality_level(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    answer = await access(conn, org, "testimonial_polish", "ludicrous")
    assert (answer["allowed"], answer["reason"]) == (False, "QUALITY_LEVEL_UNKNOWN")


async def test_capability_not_in_plan_lists_plans_that_unlock_it(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")
    answer = await access(conn, org, "testimonial_polish", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "CAPABILITY_NOT_IN_PLAN")
    assert [p["id"] for p in answer["unlock_plans"]] == ["plan_pro", "plan_team"]
    assert answer["models"] == []


async def test_quality_level_not_allowed_lists_team(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    answer = await access(conn, org, "testimonial_polish", "premium")
    assert (answer["allowed"], answer["reason"]) == (False, "QUALITY_LEVEL_NOT_ALLOWED")
    assert [p["id"] for p in answer["unlock_plans"]] == ["plan_team"]
    assert answer["allowed_quality_levels"] == ["fast", "enhanced"]


async def test_no_active_plan(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await conn.execute("update organization_plans set status = 'canceled' where organization_id = $1", org)
    answer = await access(conn, org, "testimonial_polish", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "NO_ACTIVE_PLAN")
    assert [p["id"] for p in answer["unlock_plans"]] == ["plan_pro", "plan_team"]


async def test_organization_that_never_had_a_plan(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "insert into organizations (id, name, slug) values ('org_planless', 'P', 'org-planless')"
    )
    answer = await access(conn, "org_planless", "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "NO_ACTIVE_PLAN")
    assert answer["balance"]["available"] == 0


async def test_capability_disabled(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn, "plan_pro")
        await conn.execute(
            "update plan_ai_capabilities set is_enabled = false where id = 'pac_pro_testimonial_polish'"
        )
        answer = await access(conn, org, "testimonial_polish", "fast")
        assert (answer["allowed"], answer["reason"]) == (False, "CAPABILITY_DISABLED")
        assert [p["id"] for p in answer["unlock_plans"]] == ["plan_team"]
    finally:
        await conn.close()


async def test_no_model_available(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn, "plan_pro")
        await conn.execute(
            "update llm_models set is_active = false"
            " where id in ('llm_gpt_4o_mini', 'llm_gemini_2_0_flash', 'llm_claude_3_5_haiku')"
        )
        answer = await access(conn, org, "testimonial_polish", "fast")
        assert (answer["allowed"], answer["reason"]) == (False, "NO_MODEL_AVAILABLE")
        # A deprecated default drops out and the first fallback leads.
        await conn.execute("update llm_models set is_active = true")
        await conn.execute("update llm_models set deprecated_at = $1 where id = 'llm_gpt_4o_mini'", T0)
        answer = await access(conn, org, "testimonial_polish", "fast", T0 + timedelta(seconds=1))
        assert [m["id"] for m in answer["models"]] == ["llm_gemini_2_0_flash", "llm_claude_3_5_haiku"]
    finally:
        await conn.close()


async def test_rate_limit_minute_counts_reservations_and_slides(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")  # question_generation fast: 10 rpm, 50 rpd, 1 credit each
    await grant(conn, org, 100, "promo_bonus", "bonus")
    for i in range(10):
        r = await reserve(conn, org, f"k{i}", "question_generation", "fast", now=T0 + timedelta(seconds=i))
        await release(conn, org, r["reservation_id"])
    answer = await access(conn, org, "question_generation", "fast", T0 + timedelta(seconds=30))
    assert (answer["allowed"], answer["reason"]) == (False, "RATE_LIMIT_MINUTE")
    assert answer["rate_limits"]["rpm_used"] == 10
    later = await access(conn, org, "question_generation", "fast", T0 + timedelta(seconds=60))
    assert later["allowed"] is True
    assert later["rate_limits"]["rpm_used"] == 9
    assert later["rate_limits"]["rpd_used"] == 10


async def test_rate_limit_day(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")
    await grant(conn, org, 100, "promo_bonus", "bonus")
    for i in range(50):
        now = T0 + timedelta(minutes=i)
        r = await reserve(conn, org, f"k{i}", "question_generation", "fast", now=now)
        await release(conn, org, r["reservation_id"], now=now)
    answer = await access(conn, org, "question_generation", "fast", T0 + timedelta(hours=2))
    assert (answer["allowed"], answer["reason"]) == (False, "RATE_LIMIT_DAY")
    assert answer["rate_limits"]["rpd_used"] == 50
    next_day = await access(conn, org, "question_generation", "fast", T0 + timedelta(days=1, minutes=1))
    assert next_day["allowed"] is True


async def test_insufficient_credits_counts_holds_and_overdraft(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")  # 10 credits
    await reserve(conn, org, "big", "question_generation", "fast", amount=Decimal("9.5"))
    answer = await access(conn, org, "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "INSUFFICIENT_CREDITS")
    assert answer["balance"]["available"] == Decimal("0.50")
    await conn.execute(
        "update organization_credit_balances set overdraft_limit = 1 where organization_id = $1", org
    )
    answer = await access(conn, org, "question_generation", "fast")
    assert answer["allowed"] is True
    assert answer["balance"]["spendable"] == Decimal("1.50")


async def test_unknown_organization_is_an_error(conn: asyncpg.Connection) -> None:
    await expect_error("ORGANIZATION_NOT_FOUND", access(conn, "org_nobody", "question_generation", "fast"))


@pytest.mark.parametrize(
    "org,capability,level",
    [(None, "question_generation", "fast"), ("org_x", None, "fast"), ("org_x", "question_generation", "")],
)
async def test_missing_arguments_are_invalid(
    conn: asyncpg.Connection, org: str | None, capability: str | None, level: str
) -> None:
    await expect_error("INVALID_ARGUMENT", access(conn, org, capability, level))  # type: ignore[arg-type]


async def test_past_due_plan_keeps_access(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    await conn.execute("update organization_plans set status = 'past_due' where organization_id = $1", org)
    answer = await access(conn, org, "testimonial_polish", "fast")
    assert (answer["allowed"], answer["plan"]["id"]) == (True, "plan_pro")
