"""aiAccessCheck: answers and denials (a denial is a 200 answer), errors, and the decimal JSON format."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from .helpers import Hasura, new_org, new_org_without_plan, session

DECIMAL_TEXT = re.compile(r"^-?\d+\.\d{2}$")


async def check(hasura: Hasura, org: str, capability: str, level: str, role: str = "member") -> dict:
    return await hasura.ok(
        "aiAccessCheck", {"capability": capability, "qualityLevel": level}, session(role, org)
    )


@pytest.mark.parametrize("role", ["viewer", "member", "org_admin", "owner", "service"])
async def test_ai_access_check_allowed_for_every_permitted_role(hasura: Hasura, role: str) -> None:
    answer = await check(hasura, "org_pro", "testimonial_polish", "enhanced", role)
    assert answer["allowed"] is True
    assert answer["reason"] is None
    assert answer["plan"] == {"id": "plan_pro", "uniqueName": "pro", "name": "Pro"}
    assert [m["isDefault"] for m in answer["models"]] == [True, False, False]
    assert answer["models"][0]["id"] == "llm_gpt_4o"
    assert answer["allowedQualityLevels"] == ["fast", "enhanced"]
    assert answer["rateLimits"]["rpmLimit"] == 30


async def test_ai_access_check_amounts_are_exact_decimal_strings(hasura: Hasura) -> None:
    answer = await check(hasura, "org_team", "question_generation", "fast")
    balance = answer["balance"]
    for name in ("available", "spendable", "monthlyCredits", "bonus", "reserved", "usedThisPeriod"):
        assert isinstance(balance[name], str) and DECIMAL_TEXT.match(balance[name]), (name, balance[name])
    assert Decimal(balance["monthlyCredits"]) == Decimal("2000")
    assert Decimal(balance["bonus"]) == Decimal("50")
    assert DECIMAL_TEXT.match(answer["estimatedCredits"])


@pytest.mark.parametrize(
    ("org", "capability", "level", "reason", "unlocks"),
    [
        ("org_free_one", "no_such_capability", "fast", "CAPABILITY_UNKNOWN", []),
        ("org_free_one", "question_generation", "ultra", "QUALITY_LEVEL_UNKNOWN", []),
        ("org_free_one", "testimonial_polish", "fast", "CAPABILITY_NOT_IN_PLAN", ["pro", "team"]),
        ("org_pro", "testimonial_polish", "premium", "QUALITY_LEVEL_NOT_ALLOWED", ["team"]),
    ],
)
async def test_ai_access_check_denials_are_answers(
    hasura: Hasura, org: str, capability: str, level: str, reason: str, unlocks: list[str]
) -> None:
    answer = await check(hasura, org, capability, level)
    assert answer["allowed"] is False
    assert answer["reason"] == reason
    assert answer["message"]
    assert [p["uniqueName"] for p in answer["unlockPlans"]] == unlocks


async def test_ai_access_check_no_active_plan(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")
    async with hasura.pool.acquire() as conn:
        await conn.execute(
            "update organization_plans set status = 'canceled' where organization_id = $1", org
        )
    answer = await check(hasura, org, "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "NO_ACTIVE_PLAN")


async def test_ai_access_check_insufficient_credits(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")
    async with hasura.pool.acquire() as conn:
        await conn.execute("select grant_credits($1, -10, 'admin_adjustment', 'drain')", org)
    answer = await check(hasura, org, "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "INSUFFICIENT_CREDITS")
    assert Decimal(answer["balance"]["spendable"]) == 0


async def test_ai_access_check_rate_limit_day(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")
    async with hasura.pool.acquire() as conn:
        # 50 finished reservations two hours ago: the free plan's 50 per day, none in the last minute.
        await conn.execute(
            "insert into credit_reservations (organization_id, ai_capability_id, quality_level_id,"
            " llm_model_id, reserved_credits, status, idempotency_key, expires_at, released_at,"
            " release_reason, created_at)"
            " select $1, 'cap_question_generation', 'ql_fast', 'llm_gpt_4o_mini', 1, 'released', 'old-' || g,"
            " now() - interval '2 hours', now() - interval '2 hours', 'test', now() - interval '2 hours'"
            " from generate_series(1, 50) g",
            org,
        )
    answer = await check(hasura, org, "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "RATE_LIMIT_DAY")
    assert answer["rateLimits"]["rpdUsed"] == 50


async def test_ai_access_check_unknown_organization_is_error(hasura: Hasura) -> None:
    code = await hasura.error(
        "aiAccessCheck",
        {"capability": "question_generation", "qualityLevel": "fast"},
        session("member", "org_nope"),
    )
    assert code == "ORGANIZATION_NOT_FOUND"


async def test_ai_access_check_organization_without_balance(hasura: Hasura) -> None:
    org = await new_org_without_plan(hasura.pool)
    answer = await check(hasura, org, "question_generation", "fast")
    assert (answer["allowed"], answer["reason"]) == (False, "NO_ACTIVE_PLAN")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"capability": " ", "qualityLevel": "fast"}, "INVALID_ARGUMENT"),
        ({"capability": "x" * 10_000, "qualityLevel": "fast"}, "INVALID_ARGUMENT"),
        ({"capability": "question_generation"}, "INVALID_INPUT"),
        ({"capability": None, "qualityLevel": "fast"}, "INVALID_INPUT"),
        ({"capability": ["question_generation"], "qualityLevel": "fast"}, "INVALID_INPUT"),
    ],
)
async def test_ai_access_check_bad_input(hasura: Hasura, args: dict, code: str) -> None:
    assert await hasura.error("aiAccessCheck", args, session("member", "org_pro")) == code
