"""The credit ledger (credit_transactions): types, signs, idempotency keys, immutability, the usage view."""

from __future__ import annotations

import re
from decimal import Decimal

import asyncpg
import pytest

from tests.sql import refused, rolled_back

INSERT = """
    insert into credit_transactions (organization_id, transaction_type, credits_amount, balance_after,
                                     idempotency_key)
    values ($1, $2, $3, 0, $4)
"""
NEGATIVE_TYPES = ["ai_consumption", "expiration", "topup_refund"]
POSITIVE_TYPES = ["plan_allocation", "topup_purchase", "promo_bonus"]
EITHER_SIGN_TYPES = ["admin_adjustment", "plan_change_adjustment"]


@pytest.mark.parametrize("kind", NEGATIVE_TYPES)
async def test_debit_types_must_be_negative(db_url: str, kind: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(INSERT, "org_pro", kind, Decimal("-1.25"), "ok")
        for n, amount in enumerate([Decimal("1.25"), Decimal(0)]):
            await refused(conn, asyncpg.CheckViolationError, INSERT, "org_pro", kind, amount, f"bad{n}")


@pytest.mark.parametrize("kind", POSITIVE_TYPES)
async def test_credit_types_must_be_positive(db_url: str, kind: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(INSERT, "org_pro", kind, Decimal("5"), "ok")
        for n, amount in enumerate([Decimal("-5"), Decimal(0)]):
            await refused(conn, asyncpg.CheckViolationError, INSERT, "org_pro", kind, amount, f"bad{n}")


@pytest.mark.parametrize("kind", EITHER_SIGN_TYPES)
async def test_adjustments_take_either_sign_but_not_zero(db_url: str, kind: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(INSERT, "org_pro", kind, Decimal("7.5"), "up")
        await conn.execute(INSERT, "org_pro", kind, Decimal("-7.5"), "down")
        error = await refused(conn, asyncpg.CheckViolationError, INSERT, "org_pro", kind, Decimal(0), "zero")
        assert error.constraint_name == "chk_credit_transactions_sign"


async def test_unknown_transaction_type_is_refused(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        error = await refused(conn, asyncpg.CheckViolationError, INSERT, "org_pro", "gift", Decimal(5), "k")
        # An unknown type also fails the sign rule; either constraint may be the one reported.
        assert error.constraint_name in {"chk_credit_transactions_type", "chk_credit_transactions_sign"}


async def test_duplicate_idempotency_key_is_refused_even_for_another_org(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(INSERT, "org_pro", "promo_bonus", Decimal(5), "promo:spring")
        for org in ("org_pro", "org_team"):
            await refused(
                conn, asyncpg.UniqueViolationError, INSERT, org, "promo_bonus", Decimal(5), "promo:spring"
            )
        await refused(conn, asyncpg.NotNullViolationError, INSERT, "org_pro", "promo_bonus", Decimal(5), None)


async def test_estimation_variance_is_actual_cost_minus_estimate(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        variances = [
            await conn.fetchval(
                """insert into credit_transactions (organization_id, transaction_type, credits_amount,
                       estimated_credits, balance_after, idempotency_key)
                   values ('org_pro', 'ai_consumption', $1, $2, 0, $3) returning estimation_variance""",
                actual,
                estimate,
                key,
            )
            for actual, estimate, key in [
                (Decimal("-3.50"), Decimal("2.00"), "over"),
                (Decimal("-1.00"), Decimal("1.50"), "under"),
                (Decimal("-1.00"), None, "none"),
            ]
        ]
    assert variances == [Decimal("1.50"), Decimal("-0.50"), None]


async def test_ledger_rows_cannot_be_updated(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        before = await conn.fetch("select * from credit_transactions order by id")
        error = await refused(
            conn, asyncpg.RaiseError, "update credit_transactions set credits_amount = 1000"
        )
        assert "append-only ledger: UPDATE is not allowed" in str(error)
        assert await conn.fetch("select * from credit_transactions order by id") == before


async def test_ledger_rows_cannot_be_deleted_or_truncated(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        count = await conn.fetchval("select count(*) from credit_transactions")
        assert count > 0
        error = await refused(
            conn, asyncpg.RaiseError, "delete from credit_transactions where organization_id = 'org_pro'"
        )
        assert "append-only ledger: DELETE is not allowed" in str(error)
        error = await refused(conn, asyncpg.RaiseError, "truncate credit_transactions cascade")
        assert "append-only ledger: TRUNCATE is not allowed" in str(error)
        assert await conn.fetchval("select count(*) from credit_transactions") == count


async def test_an_organization_with_ledger_history_cannot_be_deleted(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await refused(conn, asyncpg.RestrictViolationError, "delete from organizations where id = 'org_pro'")
        assert (
            await conn.fetchval("select count(*) from credit_transactions where organization_id = 'org_pro'")
            > 0
        )


async def test_usage_view_sums_consumption_per_day_capability_quality_and_model(db_url: str) -> None:
    consume = """
        insert into credit_transactions (organization_id, transaction_type, credits_amount, balance_after,
            ai_capability_id, quality_level_id, llm_model_id, idempotency_key, created_at)
        values ($1, 'ai_consumption', $2, 0, $3, $4, $5, $6, $7::text::timestamptz)
    """
    async with rolled_back(db_url) as conn:
        day = "2026-03-04T10:00:00Z"
        await conn.execute(
            consume,
            "org_team",
            Decimal("-1.5"),
            "cap_question_generation",
            "ql_enhanced",
            "llm_gpt_4o",
            "u1",
            day,
        )
        await conn.execute(
            consume,
            "org_team",
            Decimal("-2.25"),
            "cap_question_generation",
            "ql_enhanced",
            "llm_gpt_4o",
            "u2",
            "2026-03-04T23:59:59Z",
        )
        await conn.execute(
            consume,
            "org_team",
            Decimal("-6"),
            "cap_testimonial_assembly",
            "ql_premium",
            "llm_gemini_2_5_pro",
            "u3",
            "2026-03-05T00:00:00Z",
        )
        await conn.execute(
            consume,
            "org_pro",
            Decimal("-1"),
            "cap_question_generation",
            "ql_fast",
            "llm_gpt_4o_mini",
            "u4",
            day,
        )
        rows = await conn.fetch(
            """select organization_id, day::text, ai_capability_id, quality_level_id, llm_model_id,
                      operations, credits
               from credit_usage_daily order by 1, 2, 3"""
        )
    assert [tuple(r) for r in rows] == [
        (
            "org_pro",
            "2026-03-04",
            "cap_question_generation",
            "ql_fast",
            "llm_gpt_4o_mini",
            1,
            Decimal("1.00"),
        ),
        (
            "org_team",
            "2026-03-04",
            "cap_question_generation",
            "ql_enhanced",
            "llm_gpt_4o",
            2,
            Decimal("3.75"),
        ),
        (
            "org_team",
            "2026-03-05",
            "cap_testimonial_assembly",
            "ql_premium",
            "llm_gemini_2_5_pro",
            1,
            Decimal("6.00"),
        ),
    ]


async def test_a_usage_day_range_is_an_index_range_in_grouping_order(db_url: str) -> None:
    # The dashboard's read (an organization's usage since a day) is served by the usage index in the view's
    # grouping order: no sort and no filter over every consumption row. Seq and bitmap scans are off because
    # this database is too small for the planner to prefer any index.
    async with rolled_back(db_url) as conn:
        await conn.execute("set local enable_seqscan = off; set local enable_bitmapscan = off")
        rows = await conn.fetch(
            "explain (costs off) select count(*), sum(credits), sum(operations) from credit_usage_daily"
            " where organization_id = 'org_pro' and day >= date '2026-03-01'"
        )
    plan = "\n".join(r["QUERY PLAN"] for r in rows)
    assert re.search(r"Index (Only )?Scan using idx_credit_transactions_usage_daily", plan), plan
    assert "Sort" not in plan and "Filter" not in plan, plan
