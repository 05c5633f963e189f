"""reserve_credits: the hold, replays, key reuse, each denial as an error, and input validation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import (
    T0,
    access,
    assert_invariants,
    balance,
    connect,
    expect_error,
    grant,
    new_org,
    release,
    reserve,
)


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def test_reserve_holds_the_estimate_with_the_default_model(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_pro")
    r = await reserve(conn, org, "k1", "testimonial_assembly", "enhanced", ttl=120)
    assert r["status"] == "pending"
    assert r["replayed"] is False
    assert r["reserved_credits"] == Decimal("3.00")
    assert r["model"]["id"] == "llm_gpt_4o"
    assert r["expires_at"].startswith("2026-01-01T00:02:00")
    assert r["balance"]["reserved"] == Decimal("3.00")
    assert r["balance"]["available"] == Decimal("497.00")
    b = await balance(conn, org)
    assert (b["reserved_credits"], b["used_this_period"]) == (Decimal("3.00"), 0)
    stored = await conn.fetchrow("select * from credit_reservations where id = $1", r["reservation_id"])
    assert (stored["organization_id"], stored["llm_model_id"], stored["idempotency_key"]) == (
        org,
        "llm_gpt_4o",
        "k1",
    )
    await assert_invariants(conn, org)


async def test_reserve_explicit_amount(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "k1", amount=Decimal("12.34"))
    assert r["reserved_credits"] == Decimal("12.34")
    assert (await balance(conn, org))["reserved_credits"] == Decimal("12.34")


async def test_replay_returns_the_same_reservation_and_holds_once(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    first = await reserve(conn, org, "same", amount=5)
    again = await reserve(conn, org, "same", amount=5)
    estimate_again = await reserve(conn, org, "same")
    assert again["reservation_id"] == first["reservation_id"] == estimate_again["reservation_id"]
    assert (again["replayed"], estimate_again["replayed"]) == (True, True)
    assert (await balance(conn, org))["reserved_credits"] == 5
    assert (
        await conn.fetchval("select count(*) from credit_reservations where organization_id = $1", org) == 1
    )


async def test_replay_after_release_returns_the_released_reservation(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    first = await reserve(conn, org, "k")
    await release(conn, org, first["reservation_id"])
    again = await reserve(conn, org, "k")
    assert (again["reservation_id"], again["status"], again["replayed"]) == (
        first["reservation_id"],
        "released",
        True,
    )
    assert (await balance(conn, org))["reserved_credits"] == 0


async def test_same_key_in_two_organizations_is_two_reservations(conn: asyncpg.Connection) -> None:
    a, b = await new_org(conn), await new_org(conn)
    ra, rb = await reserve(conn, a, "shared"), await reserve(conn, b, "shared")
    assert ra["reservation_id"] != rb["reservation_id"]
    assert (ra["replayed"], rb["replayed"]) == (False, False)


@pytest.mark.parametrize(
    "capability,level,amount",
    [
        ("testimonial_assembly", "fast", None),
        ("testimonial_polish", "enhanced", None),
        ("testimonial_polish", "fast", 7),
    ],
)
async def test_same_key_different_request_is_refused(
    conn: asyncpg.Connection, capability: str, level: str, amount: int | None
) -> None:
    org = await new_org(conn)
    await reserve(conn, org, "k", "testimonial_polish", "fast", amount=5)
    await expect_error("IDEMPOTENCY_KEY_REUSED", reserve(conn, org, "k", capability, level, amount=amount))
    assert (await balance(conn, org))["reserved_credits"] == 5


async def test_overdraft_lets_a_reservation_go_below_zero(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free", overdraft=5)
    r = await reserve(conn, org, "k", "question_generation", "fast", amount=15)
    assert r["balance"]["available"] == -5
    assert r["balance"]["spendable"] == 0
    await expect_error(
        "INSUFFICIENT_CREDITS",
        reserve(conn, org, "k2", "question_generation", "fast", amount=Decimal("0.01")),
    )


async def test_reserve_exactly_spendable(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, "plan_free")
    await reserve(conn, org, "k", "question_generation", "fast", amount=10)
    assert (await balance(conn, org))["reserved_credits"] == 10


async def _denial_setup(conn: asyncpg.Connection, code: str) -> tuple[str, str, str]:
    """An organization and a (capability, level) whose reservation is denied with `code`."""
    if code == "NO_ACTIVE_PLAN":
        org = await new_org(conn)
        await conn.execute(
            "update organization_plans set status = 'canceled' where organization_id = $1", org
        )
        return org, "testimonial_polish", "fast"
    if code == "CAPABILITY_NOT_IN_PLAN":
        return await new_org(conn, "plan_free"), "testimonial_polish", "fast"
    if code == "QUALITY_LEVEL_NOT_ALLOWED":
        return await new_org(conn, "plan_pro"), "testimonial_polish", "premium"
    if code == "CAPABILITY_UNKNOWN":
        return await new_org(conn), "telepathy", "fast"
    if code == "QUALITY_LEVEL_UNKNOWN":
        return await new_org(conn), "testimonial_polish", "turbo"
    if code == "INSUFFICIENT_CREDITS":
        org = await new_org(conn, "plan_free")
        await reserve(conn, org, "all", "question_generation", "fast", amount=Decimal("9.50"))
        return org, "question_generation", "fast"
    if code == "RATE_LIMIT_MINUTE":
        org = await new_org(conn, "plan_free")
        for i in range(10):
            await reserve(conn, org, f"r{i}", "question_generation", "fast", amount=Decimal("0.5"))
        return org, "question_generation", "fast"
    assert code == "RATE_LIMIT_DAY"
    org = await new_org(conn, "plan_free")
    await grant(conn, org, 100, "promo_bonus", "b")
    for i in range(50):
        await reserve(conn, org, f"r{i}", "question_generation", "fast", now=T0 - timedelta(minutes=50 - i))
    return org, "question_generation", "fast"


@pytest.mark.parametrize(
    "code",
    [
        "NO_ACTIVE_PLAN",
        "CAPABILITY_UNKNOWN",
        "QUALITY_LEVEL_UNKNOWN",
        "CAPABILITY_NOT_IN_PLAN",
        "QUALITY_LEVEL_NOT_ALLOWED",
        "INSUFFICIENT_CREDITS",
        "RATE_LIMIT_MINUTE",
        "RATE_LIMIT_DAY",
    ],
)
async def test_each_denial_is_an_error_and_writes_nothing(conn: asyncpg.Connection, code: str) -> None:
    org, capability, level = await _denial_setup(conn, code)
    before = await balance(conn, org)
    count = await conn.fetchval("select count(*) from credit_reservations where organization_id = $1", org)
    await expect_error(code, reserve(conn, org, "denied", capability, level))
    assert await balance(conn, org) == before
    assert (
        await conn.fetchval("select count(*) from credit_reservations where organization_id = $1", org)
        == count
    )
    await assert_invariants(conn, org)


async def test_disabled_capability_and_missing_model_are_errors(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        org = await new_org(conn)
        await conn.execute(
            "update plan_ai_capabilities set is_enabled = false where id = 'pac_pro_testimonial_polish'"
        )
        await expect_error("CAPABILITY_DISABLED", reserve(conn, org, "k1", "testimonial_polish", "fast"))
        await conn.execute("update llm_models set is_active = false where quality_tier = 'fast'")
        await expect_error("NO_MODEL_AVAILABLE", reserve(conn, org, "k2", "testimonial_assembly", "fast"))
    finally:
        await conn.close()


async def test_unknown_organization(conn: asyncpg.Connection) -> None:
    await expect_error("ORGANIZATION_NOT_FOUND", reserve(conn, "org_missing", "k"))


@pytest.mark.parametrize("amount", ["0", "-1", "NaN", "Infinity", "1.234", "1000000000.01"])
async def test_bad_amounts_are_refused(conn: asyncpg.Connection, amount: str) -> None:
    org = await new_org(conn)
    await expect_error("INVALID_AMOUNT", reserve(conn, org, "k", amount=Decimal(amount)))  # type: ignore[arg-type]
    assert (await balance(conn, org))["reserved_credits"] == 0


@pytest.mark.parametrize("key,ttl", [(None, 300), ("", 300), ("x" * 256, 300), ("k", 0), ("k", 86401)])
async def test_bad_key_or_ttl_is_refused(conn: asyncpg.Connection, key: str | None, ttl: int) -> None:
    org = await new_org(conn)
    await expect_error("INVALID_ARGUMENT", reserve(conn, org, key, ttl=ttl))  # type: ignore[arg-type]


async def test_a_255_character_key_is_fine(conn: asyncpg.Connection) -> None:
    org = await new_org(conn)
    r = await reserve(conn, org, "x" * 255)
    assert r["idempotency_key"] == "x" * 255


async def _reserve_matches_access(conn: asyncpg.Connection, org: str, capability: str, level: str) -> None:
    """reserve uses the compact form of the access rule; it must decide, charge and pick the model exactly
    as the read answer does."""
    answer = await access(conn, org, capability, level)
    if not answer["allowed"]:
        err = await expect_error(
            answer["reason"], reserve(conn, org, f"{capability}:{level}", capability, level)
        )
        assert err.message == answer["message"]
        return
    r = await reserve(conn, org, f"{capability}:{level}", capability, level)
    assert (r["capability"], r["quality_level"]) == (capability, level)
    assert r["reserved_credits"] == answer["estimated_credits"] == answer["requested_credits"]
    first = {k: v for k, v in answer["models"][0].items() if k not in ("is_default", "priority")}
    assert r["model"] == first


async def test_reserve_agrees_with_the_access_check_for_every_plan_capability_and_level(
    conn: asyncpg.Connection,
) -> None:
    combos = await conn.fetch(
        "select p.id as plan, c.unique_name as capability, q.unique_name as level"
        " from plans p, ai_capabilities c, quality_levels q order by 1, 2, 3"
    )
    assert len({(c["plan"]) for c in combos}) >= 3
    orgs: dict[str, str] = {}
    for combo in combos:
        if combo["plan"] not in orgs:
            orgs[combo["plan"]] = await new_org(conn, combo["plan"])
        await grant(
            conn, orgs[combo["plan"]], 1000, "promo_bonus", f"b:{combo['capability']}:{combo['level']}"
        )
        await _reserve_matches_access(conn, orgs[combo["plan"]], combo["capability"], combo["level"])
    await assert_invariants(conn)


async def test_reserve_skips_a_deprecated_default_model_like_the_access_check(fresh_db_url: str) -> None:
    conn = await connect(fresh_db_url)
    try:
        pacql = await conn.fetchval(
            "select plan_ai_capability_quality_level_id from plan_quality_level_models"
            " group by 1 having count(*) >= 2 order by 1 limit 1"
        )
        row = await conn.fetchrow(
            "select p.plan_id, c.unique_name as capability, q.unique_name as level, m.llm_model_id"
            " from plan_ai_capability_quality_levels x"
            " join plan_ai_capabilities p on p.id = x.plan_ai_capability_id"
            " join ai_capabilities c on c.id = p.ai_capability_id"
            " join quality_levels q on q.id = x.quality_level_id"
            " join plan_quality_level_models m"
            "   on m.plan_ai_capability_quality_level_id = x.id and m.is_default"
            " where x.id = $1",
            pacql,
        )
        await conn.execute(
            "update llm_models set deprecated_at = $2 where id = $1",
            row["llm_model_id"],
            T0 - timedelta(days=1),
        )
        org = await new_org(conn, row["plan_id"])
        await _reserve_matches_access(conn, org, row["capability"], row["level"])
        stored = await conn.fetchval(
            "select llm_model_id from credit_reservations where organization_id = $1", org
        )
        assert stored not in (None, row["llm_model_id"])
    finally:
        await conn.close()
