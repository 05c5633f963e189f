"""The demo tenants: what the seeds create, and that applying them again changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from devdb import migrate
from tests.sql import table_contents

TENANTS = {
    # organization -> (plan, monthly credits, welcome bonus)
    "org_free_one": ("free", 10, 10),
    "org_free_two": ("free", 10, 10),
    "org_pro": ("pro", 500, 25),
    "org_team": ("team", 2000, 50),
}
ROLES = ["member", "org_admin", "owner", "viewer"]


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(db_url)
    try:
        yield connection
    finally:
        await connection.close()


async def test_seeds_applied_again_change_nothing(fresh_db_url: str) -> None:
    conn = await asyncpg.connect(fresh_db_url)
    try:
        before = await table_contents(conn)
        assert before["organizations"], "the template database should already be seeded"
        await migrate.apply_seeds(fresh_db_url, log=lambda _: None)
        after_second = await table_contents(conn)
        await migrate.apply_seeds(fresh_db_url, log=lambda _: None)
        after_third = await table_contents(conn)
    finally:
        await conn.close()
    assert after_second == before
    assert after_third == before


async def test_every_plan_has_a_tenant_and_free_has_two(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select o.id, p.unique_name from organizations o
           join organization_plans op on op.organization_id = o.id and op.status = 'active'
           join plans p on p.id = op.plan_id order by o.id"""
    )
    assert {r["id"]: r["unique_name"] for r in rows} == {org: spec[0] for org, spec in TENANTS.items()}


async def test_every_tenant_has_one_user_per_role(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select m.organization_id, array_agg(m.role order by m.role) as roles
           from organization_members m join users u on u.id = m.user_id
           where u.id like 'usr\\_' || substr(m.organization_id, 5) || '\\_%'
           group by 1"""
    )
    assert {r["organization_id"]: r["roles"] for r in rows} == {org: ROLES for org in TENANTS}
    consultant = await conn.fetch(
        "select organization_id, role from organization_members where user_id = 'usr_consultant' order by 1"
    )
    assert [tuple(r) for r in consultant] == [("org_pro", "member"), ("org_team", "viewer")]


async def test_balances_hold_allocation_plus_welcome_bonus(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """select b.organization_id, b.monthly_credits, b.bonus_credits, b.used_this_period,
                  b.reserved_credits,
                  (select sum(credits_amount) from credit_transactions t
                    where t.organization_id = b.organization_id) as ledger_sum,
                  (select array_agg(transaction_type || ':' || credits_amount || ':' || balance_after
                                    order by created_at, transaction_type)
                     from credit_transactions t where t.organization_id = b.organization_id) as ledger
           from organization_credit_balances b"""
    )
    assert {r["organization_id"] for r in rows} == set(TENANTS)
    for r in rows:
        _, monthly, bonus = TENANTS[r["organization_id"]]
        assert (r["monthly_credits"], r["bonus_credits"]) == (Decimal(monthly), Decimal(bonus))
        assert (r["used_this_period"], r["reserved_credits"]) == (Decimal(0), Decimal(0))
        assert r["ledger_sum"] == r["monthly_credits"] + r["bonus_credits"] - r["used_this_period"]
        assert r["ledger"] == [
            f"plan_allocation:{monthly}.00:{monthly}.00",
            f"promo_bonus:{bonus}.00:{monthly + bonus}.00",
        ]


async def test_welcome_bonus_keys_are_per_organization(conn: asyncpg.Connection) -> None:
    keys = await conn.fetch(
        "select idempotency_key from credit_transactions where transaction_type = 'promo_bonus' order by 1"
    )
    assert [r[0] for r in keys] == sorted(f"grant:{org}:welcome" for org in TENANTS)
