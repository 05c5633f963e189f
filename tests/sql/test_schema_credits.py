"""Constraints of the credit tables other than the ledger: balances, reservations, purchases, Stripe events,
notifications and settings. Each test works in a transaction that is rolled back."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from tests.sql import refused, rolled_back

RESERVE = """
    insert into credit_reservations (organization_id, ai_capability_id, quality_level_id, llm_model_id,
                                     reserved_credits, status, idempotency_key, expires_at)
    values ($1, 'cap_question_generation', 'ql_fast', 'llm_gpt_4o_mini', $2, $3, $4,
            now() + interval '5 minutes')
    returning id
"""


@pytest.mark.parametrize(
    "column",
    [
        "monthly_credits",
        "bonus_credits",
        "reserved_credits",
        "used_this_period",
        "overdraft_limit",
        "low_balance_threshold",
    ],
)
async def test_negative_balance_columns_are_refused(db_url: str, column: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(
            f"update organization_credit_balances set {column} = 0 where organization_id = 'org_pro'"
        )
        await refused(
            conn,
            asyncpg.CheckViolationError,
            f"update organization_credit_balances set {column} = -0.01 where organization_id = 'org_pro'",
        )


async def test_usage_beyond_monthly_and_bonus_is_allowed_as_debt(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        available = await conn.fetchval(
            """update organization_credit_balances set used_this_period = monthly_credits + bonus_credits + 40
               where organization_id = 'org_pro'
               returning monthly_credits + bonus_credits - reserved_credits - used_this_period"""
        )
    assert available == Decimal("-40.00")


async def test_one_balance_row_per_organization(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await refused(
            conn,
            asyncpg.UniqueViolationError,
            "insert into organization_credit_balances (organization_id) values ('org_pro')",
        )


async def test_balance_period_must_end_after_it_starts(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await refused(
            conn,
            asyncpg.CheckViolationError,
            "update organization_credit_balances set period_end = period_start"
            " where organization_id = 'org_pro'",
        )


async def test_reservation_status_outside_the_set_is_refused(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(RESERVE, "org_pro", Decimal("1.5"), "pending", "k-ok")
        error = await refused(
            conn, asyncpg.CheckViolationError, RESERVE, "org_pro", Decimal(1), "done", "k-bad"
        )
        assert error.constraint_name == "chk_reservation_status"


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-1)])
async def test_reservation_amount_must_be_positive(db_url: str, amount: Decimal) -> None:
    async with rolled_back(db_url) as conn:
        await refused(conn, asyncpg.CheckViolationError, RESERVE, "org_pro", amount, "pending", "k")


async def test_reservation_idempotency_key_is_unique_per_organization(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(RESERVE, "org_pro", Decimal(1), "pending", "req-1")
        await conn.execute(RESERVE, "org_team", Decimal(1), "pending", "req-1")
        await refused(conn, asyncpg.UniqueViolationError, RESERVE, "org_pro", Decimal(2), "pending", "req-1")


async def test_reservation_end_states_carry_their_timestamps(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        rid = await conn.fetchval(RESERVE, "org_pro", Decimal(2), "pending", "req-1")
        where = f" where id = '{rid}'"
        for bad in [
            "update credit_reservations set status = 'settled'",
            "update credit_reservations set status = 'settled', settled_at = now()",
            "update credit_reservations set status = 'released'",
            "update credit_reservations set status = 'expired'",
            "update credit_reservations set settled_at = now()",
            "update credit_reservations set status = 'settled', settled_at = now(), settled_credits = 2,"
            " settled_late = true",
        ]:
            await refused(conn, asyncpg.CheckViolationError, bad + where)
        # pending -> expired -> settled late is a legal path (late settlement still charges).
        await conn.execute("update credit_reservations set status = 'expired', expired_at = now()" + where)
        await conn.execute(
            "update credit_reservations set status = 'settled', settled_at = now(), settled_credits = 2.5,"
            " settled_late = true" + where
        )
        assert await conn.fetchval("select settled_late from credit_reservations" + where) is True


async def test_released_reservation_cannot_be_marked_settled(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        rid = await conn.fetchval(RESERVE, "org_pro", Decimal(2), "pending", "req-1")
        await conn.execute(
            "update credit_reservations set status = 'released', released_at = now(), release_reason = 'x'"
            " where id = $1",
            rid,
        )
        await refused(
            conn,
            asyncpg.CheckViolationError,
            "update credit_reservations set status = 'settled', settled_at = now(), settled_credits = 1"
            " where id = $1",
            rid,
        )


async def test_consumption_row_must_reference_an_existing_reservation(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await refused(
            conn,
            asyncpg.ForeignKeyViolationError,
            """insert into credit_transactions (organization_id, transaction_type, credits_amount,
                   balance_after, reservation_id, idempotency_key)
               values ('org_pro', 'ai_consumption', -1, 0, 'no_such_resv', 'k')""",
        )


PURCHASE = """
    insert into credit_purchases (organization_id, package_id, credits, amount_cents, status,
                                  stripe_checkout_session_id)
    values ('org_pro', 'pkg_starter', 100, 999, $1, $2)
    returning id
"""


async def test_purchase_status_and_checkout_session_are_checked(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        pid = await conn.fetchval(PURCHASE, "pending", "cs_test_1")
        await refused(conn, asyncpg.UniqueViolationError, PURCHASE, "pending", "cs_test_1")
        await refused(conn, asyncpg.CheckViolationError, PURCHASE, "completed", "cs_test_2")
        # Fulfilled means a ledger row granted the credits.
        await refused(
            conn,
            asyncpg.CheckViolationError,
            "update credit_purchases set status = 'fulfilled', fulfilled_at = now() where id = $1",
            pid,
        )
        await refused(
            conn,
            asyncpg.CheckViolationError,
            "update credit_purchases set refunded_credits = 101 where id = $1",
            pid,
        )


async def test_stripe_event_replay_is_a_no_op_and_processing_records_an_outcome(db_url: str) -> None:
    store = """insert into stripe_events (id, type, payload) values ($1, 'checkout.session.completed', '{}')
               on conflict (id) do nothing"""
    async with rolled_back(db_url) as conn:
        assert await conn.execute(store, "evt_123") == "INSERT 0 1"
        assert await conn.execute(store, "evt_123") == "INSERT 0 0"
        await refused(
            conn,
            asyncpg.CheckViolationError,
            "update stripe_events set processed_at = now() where id = 'evt_123'",
        )
        await conn.execute("update stripe_events set processed_at = now(), outcome = 'fulfilled'")


NOTIFY = """
    insert into credit_notifications (organization_id, kind, period_start, episode)
    select 'org_pro', $1, period_start, $2 from organization_credit_balances where organization_id = 'org_pro'
"""


async def test_notifications_are_deduplicated_per_kind_period_and_episode(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(NOTIFY, "low_balance", 1)
        await refused(conn, asyncpg.UniqueViolationError, NOTIFY, "low_balance", 1)
        await conn.execute(NOTIFY, "depleted", 1)
        await conn.execute(NOTIFY, "recovered", 1)
        # After a recovery the next crossing is a new episode, notified once more.
        await conn.execute(NOTIFY, "low_balance", 2)
        await refused(conn, asyncpg.CheckViolationError, NOTIFY, "balance_weird", 1)
        await refused(conn, asyncpg.CheckViolationError, NOTIFY, "low_balance", 0)


async def test_notification_delivery_status_is_checked(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(NOTIFY, "low_balance", 1)
        await refused(
            conn, asyncpg.CheckViolationError, "update credit_notifications set delivery_status = 'sent'"
        )
        await refused(
            conn, asyncpg.CheckViolationError, "update credit_notifications set delivery_status = 'delivered'"
        )
        await conn.execute(
            "update credit_notifications set delivery_status = 'delivered', delivered_at = now()"
        )


SETTINGS = """
    insert into organization_credit_settings (organization_id, notification_webhook_url,
        notification_webhook_secret, auto_topup_enabled, auto_topup_package_id, auto_topup_threshold,
        auto_topup_monthly_cap)
    values ('org_pro', $1, $2, $3, $4, $5, $6)
"""


async def test_settings_require_complete_auto_topup_and_a_secret_with_a_webhook(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        for args in [
            ("https://hooks.example.com/credits", None, False, None, None, None),
            ("ftp://hooks.example.com", "s3cret", False, None, None, None),
            (None, None, True, None, Decimal(10), 5000),
            (None, None, True, "pkg_starter", None, 5000),
            (None, None, False, None, Decimal(-1), None),
        ]:
            await refused(conn, asyncpg.CheckViolationError, SETTINGS, *args)
        await conn.execute(
            SETTINGS, "https://hooks.example.com/credits", "s3cret", True, "pkg_starter", Decimal(10), 5000
        )
