"""reserveCredits: holds, replays, every denial and error code, malformed input; refusals write nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from actions.app import create_app

from .conftest import make_settings
from .helpers import Hasura, balance, key, new_org, new_org_without_plan, session


def reserve_args(**overrides: object) -> dict:
    args: dict = {"capability": "question_generation", "qualityLevel": "fast", "idempotencyKey": key()}
    args.update(overrides)
    return args


async def test_reserve_credits_holds_the_estimate_and_picks_the_default_model(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    before = await balance(hasura.pool, org)
    answer = await hasura.ok("reserveCredits", reserve_args(), session("service", org))
    assert answer["status"] == "pending"
    assert answer["organizationId"] == org
    assert answer["reservedCredits"] == "1.00"
    assert answer["model"]["id"] == "llm_gpt_4o_mini"
    assert answer["replayed"] is False
    assert answer["balance"]["reserved"] == "1.00"
    after = await balance(hasura.pool, org)
    assert after["reserved_credits"] - before["reserved_credits"] == Decimal("1.00")


async def test_reserve_credits_explicit_amount_and_ttl(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_team")
    answer = await hasura.ok(
        "reserveCredits",
        reserve_args(
            capability="testimonial_polish", qualityLevel="premium", estimatedCredits="12.34", ttlSeconds=60
        ),
        session("service", org),
    )
    assert answer["reservedCredits"] == "12.34"
    assert answer["qualityLevel"] == "premium"


@pytest.mark.parametrize("amount", ["2.5", 2.5, 2, "2.50"])
async def test_reserve_credits_amount_as_string_or_number_is_exact(hasura: Hasura, amount: object) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    answer = await hasura.ok("reserveCredits", reserve_args(estimatedCredits=amount), session("service", org))
    assert Decimal(answer["reservedCredits"]) == Decimal(str(amount))


async def test_reserve_credits_replay_returns_same_reservation_once(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    args = reserve_args()
    first = await hasura.ok("reserveCredits", args, session("service", org))
    second = await hasura.ok("reserveCredits", args, session("service", org))
    assert second["reservationId"] == first["reservationId"]
    assert second["replayed"] is True
    assert (await balance(hasura.pool, org))["reserved_credits"] == Decimal("1.00")


async def test_reserve_credits_key_reused_with_other_parameters(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    args = reserve_args()
    await hasura.ok("reserveCredits", args, session("service", org))
    code = await hasura.error("reserveCredits", {**args, "qualityLevel": "enhanced"}, session("service", org))
    assert code == "IDEMPOTENCY_KEY_REUSED"


async def test_reserve_credits_insufficient_credits(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")
    code = await hasura.error(
        "reserveCredits", reserve_args(estimatedCredits="10.01"), session("service", org)
    )
    assert code == "INSUFFICIENT_CREDITS"


async def test_reserve_credits_rate_limit_minute(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_free")
    for _ in range(10):  # the free plan allows 10 per minute
        await hasura.ok("reserveCredits", reserve_args(estimatedCredits="0.01"), session("service", org))
    code = await hasura.error(
        "reserveCredits", reserve_args(estimatedCredits="0.01"), session("service", org)
    )
    assert code == "RATE_LIMIT_MINUTE"


@pytest.mark.parametrize(
    ("org", "overrides", "code"),
    [
        ("org_free_two", {"capability": "nope"}, "CAPABILITY_UNKNOWN"),
        ("org_free_two", {"qualityLevel": "ultra"}, "QUALITY_LEVEL_UNKNOWN"),
        ("org_free_two", {"capability": "testimonial_polish"}, "CAPABILITY_NOT_IN_PLAN"),
        ("org_pro", {"qualityLevel": "premium"}, "QUALITY_LEVEL_NOT_ALLOWED"),
        ("org_nope", {}, "ORGANIZATION_NOT_FOUND"),
        ("org_pro", {"estimatedCredits": "-1"}, "INVALID_AMOUNT"),
        ("org_pro", {"estimatedCredits": "0"}, "INVALID_AMOUNT"),
        ("org_pro", {"estimatedCredits": "1.001"}, "INVALID_AMOUNT"),
        ("org_pro", {"estimatedCredits": "1000000001"}, "INVALID_AMOUNT"),
        ("org_pro", {"estimatedCredits": 1e20}, "INVALID_AMOUNT"),
        ("org_pro", {"estimatedCredits": "NaN"}, "INVALID_INPUT"),
        ("org_pro", {"estimatedCredits": "Infinity"}, "INVALID_INPUT"),
        ("org_pro", {"estimatedCredits": "1e999999999"}, "INVALID_INPUT"),
        ("org_pro", {"estimatedCredits": "twelve"}, "INVALID_INPUT"),
        ("org_pro", {"estimatedCredits": True}, "INVALID_INPUT"),
        ("org_pro", {"estimatedCredits": {"amount": 1}}, "INVALID_INPUT"),
        ("org_pro", {"ttlSeconds": 0}, "INVALID_ARGUMENT"),
        ("org_pro", {"ttlSeconds": 86401}, "INVALID_ARGUMENT"),
        ("org_pro", {"ttlSeconds": "300"}, "INVALID_INPUT"),
        ("org_pro", {"ttlSeconds": 1.5}, "INVALID_INPUT"),
        ("org_pro", {"ttlSeconds": 2**40}, "INVALID_INPUT"),
        ("org_pro", {"idempotencyKey": ""}, "INVALID_ARGUMENT"),
        ("org_pro", {"idempotencyKey": "k" * 10_240}, "INVALID_ARGUMENT"),
        ("org_pro", {"idempotencyKey": 42}, "INVALID_INPUT"),
        ("org_pro", {"idempotencyKey": None}, "INVALID_INPUT"),
        ("org_pro", {"capability": "c" * 10_240}, "INVALID_ARGUMENT"),
        ("org_pro", {"idempotencyKey": "nul\x00byte"}, "INVALID_INPUT"),
    ],
)
async def test_reserve_credits_refusals_write_nothing(
    hasura: Hasura, org: str, overrides: dict, code: str
) -> None:
    assert await hasura.error("reserveCredits", reserve_args(**overrides), session("service", org)) == code


@pytest.mark.parametrize("missing", ["capability", "qualityLevel", "idempotencyKey"])
async def test_reserve_credits_missing_field_names_it(hasura: Hasura, missing: str) -> None:
    args = reserve_args()
    del args[missing]
    response = await hasura.call("reserveCredits", args, session("service", "org_pro"))
    assert response.status_code == 400
    assert response.json()["extensions"] == {"code": "INVALID_INPUT", "field": missing}


async def test_reserve_credits_no_active_plan(hasura: Hasura) -> None:
    org = await new_org_without_plan(hasura.pool)
    assert await hasura.error("reserveCredits", reserve_args(), session("service", org)) == "NO_ACTIVE_PLAN"


async def test_reserve_credits_admin_uses_session_organization(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    answer = await hasura.ok("reserveCredits", reserve_args(), session("admin", org))
    assert answer["organizationId"] == org


@pytest.fixture
async def fresh_hasura(fresh_db_url: str) -> AsyncIterator[Hasura]:
    """A service over a database of this test's own (for tests that change the catalog)."""
    app = create_app(make_settings(fresh_db_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield Hasura(client, app.state.pool)


async def test_reserve_credits_capability_disabled_and_no_model(fresh_hasura: Hasura) -> None:
    async with fresh_hasura.pool.acquire() as conn:
        await conn.execute(
            "update plan_ai_capabilities set is_enabled = false where id = 'pac_pro_testimonial_polish'"
        )
        await conn.execute(
            "update llm_models set is_active = false where provider = 'openai' or id like 'llm_gemini%'"
            " or id like 'llm_claude%'"
        )
    polish = reserve_args(capability="testimonial_polish")
    assert (
        await fresh_hasura.error("reserveCredits", polish, session("service", "org_pro"))
        == "CAPABILITY_DISABLED"
    )
    code = await fresh_hasura.error("reserveCredits", reserve_args(), session("service", "org_pro"))
    assert code == "NO_MODEL_AVAILABLE"
    access = await fresh_hasura.ok(
        "aiAccessCheck",
        {"capability": "question_generation", "qualityLevel": "fast"},
        session("member", "org_pro"),
    )
    assert (access["allowed"], access["reason"], access["models"]) == (False, "NO_MODEL_AVAILABLE", [])


async def test_concurrent_reservations_never_overspend(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")  # 500 credits
    calls = [
        hasura.call("reserveCredits", reserve_args(estimatedCredits="100"), session("service", org))
        for _ in range(8)
    ]
    responses = await asyncio.gather(*calls)
    codes = sorted(r.json()["extensions"]["code"] if r.status_code != 200 else "ok" for r in responses)
    assert codes == ["INSUFFICIENT_CREDITS"] * 3 + ["ok"] * 5
    assert (await balance(hasura.pool, org))["reserved_credits"] == Decimal("500.00")


async def test_concurrent_replays_of_one_key_reserve_once(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    args = reserve_args()
    responses = await asyncio.gather(
        *(hasura.call("reserveCredits", args, session("service", org)) for _ in range(6))
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["reservationId"] for r in responses}) == 1
    assert sorted(r.json()["replayed"] for r in responses) == [False] + [True] * 5
    assert (await balance(hasura.pool, org))["reserved_credits"] == Decimal("1.00")


async def test_reserve_credits_rate_limit_day(hasura: Hasura) -> None:
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
    code = await hasura.error("reserveCredits", reserve_args(), session("service", org))
    assert code == "RATE_LIMIT_DAY"
