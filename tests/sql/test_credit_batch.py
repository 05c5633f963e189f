"""credits_apply_batch: one organization's items in one transaction, each answered on its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.sql.credit_helpers import assert_invariants, balance, connect, expect_error, new_org


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


def reserve_item(key: str, **extra: object) -> dict[str, object]:
    return {"op": "reserve", "capability": "question_generation", "quality_level": "fast",
            "idempotency_key": key, **extra}  # fmt: skip


async def test_each_item_gets_its_own_answer_and_a_failed_item_writes_nothing(
    conn: asyncpg.Connection,
) -> None:
    org = await new_org(conn, start=datetime.now(UTC) - timedelta(days=1))
    items = [
        reserve_item("a", amount="2"),
        reserve_item("b", amount="not a number"),  # not a credits error: its SQLSTATE comes back as is
        {"op": "refund"},
        reserve_item("a", amount="2"),  # the key of the first item: a replay inside the batch
        reserve_item("c", amount="1000000"),
        reserve_item("d", amount="3"),
    ]
    answer = await conn.fetchval("select credits_apply_batch($1, $2::jsonb)", org, items)
    results = answer["results"]
    assert [("ok" if "ok" in r else r["error"]["sqlstate"]) for r in results] == [
        "ok", "22P02", "CR001", "ok", "CR001", "ok",
    ]  # fmt: skip
    assert results[2]["error"]["detail"] == "INVALID_ARGUMENT"
    assert results[4]["error"]["detail"] == "INSUFFICIENT_CREDITS"
    assert results[3]["ok"]["replayed"] is True
    assert results[3]["ok"]["reservation_id"] == results[0]["ok"]["reservation_id"]
    assert (await balance(conn, org))["reserved_credits"] == Decimal("5.00")
    # One transaction: both reservations carry its start time.
    assert (
        await conn.fetchval(
            "select count(distinct created_at) from credit_reservations where organization_id = $1", org
        )
        == 1
    )
    await assert_invariants(conn, org)


async def test_items_must_be_an_array(conn: asyncpg.Connection) -> None:
    org = await new_org(conn, start=datetime.now(UTC) - timedelta(days=1))
    await expect_error("INVALID_ARGUMENT", conn.fetchval("select credits_apply_batch($1, '{}'::jsonb)", org))


async def test_an_unknown_organization_answers_each_item(conn: asyncpg.Connection) -> None:
    answer = await conn.fetchval(
        "select credits_apply_batch($1, $2::jsonb)", "org_nobody", [reserve_item("a"), reserve_item("")]
    )
    assert [r["error"]["detail"] for r in answer["results"]] == ["ORGANIZATION_NOT_FOUND", "INVALID_ARGUMENT"]
