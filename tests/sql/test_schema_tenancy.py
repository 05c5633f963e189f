"""Base tenancy and helpers: organizations, users, members, plans, organization_plans, nanoids, updated_at."""

from __future__ import annotations

import re

import asyncpg
import pytest

from tests.sql import refused, rolled_back


async def test_generate_nanoid_12_gives_distinct_url_safe_ids(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        ids = [r[0] for r in await conn.fetch("select generate_nanoid_12() from generate_series(1, 2000)")]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9A-Za-z_-]{12}", i) for i in ids)
    # Every alphabet character shows up across 24,000 draws, so no part of the alphabet is unreachable.
    assert len(set("".join(ids))) == 64


async def test_rows_get_a_nanoid_primary_key_by_default(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await conn.fetchval("insert into organizations (name, slug) values ('N', 'n') returning id")
    assert re.fullmatch(r"[0-9A-Za-z_-]{12}", org)


async def test_updated_at_is_stamped_on_update(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        before = await conn.fetchval("select updated_at from organizations where id = 'org_pro'")
        stamped, now = await conn.fetchrow(
            "update organizations set name = 'Renamed' where id = 'org_pro' returning updated_at, now()"
        )
    assert stamped == now and stamped > before


async def test_add_updated_at_trigger_works_on_any_table(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute("create table public.scratch (id int primary key, updated_at timestamptz)")
        await conn.execute("select add_updated_at_trigger('scratch', 'public')")
        await conn.execute("insert into scratch values (1, '2000-01-01')")
        stamped, now = await conn.fetchrow("update scratch set id = 2 returning updated_at, now()")
        name = await conn.fetchval("select tgname from pg_trigger where tgrelid = 'public.scratch'::regclass")
    assert stamped == now
    assert name == "set_public_scratch_updated_at"


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("insert into organizations (name, slug) values ('A', 'pro-co')", asyncpg.UniqueViolationError),
        ("insert into organizations (name, slug) values ('A', 'Not A Slug')", asyncpg.CheckViolationError),
        ("insert into organizations (name, slug) values ('  ', 'blank')", asyncpg.CheckViolationError),
        (
            "update organizations set stripe_customer_id = 'cus_1' where id in ('org_pro', 'org_team')",
            asyncpg.UniqueViolationError,
        ),
        ("insert into users (email) values ('owner@pro-co.example.com')", asyncpg.UniqueViolationError),
        ("insert into users (email) values ('Someone@Example.com')", asyncpg.CheckViolationError),
        ("insert into users (email) values ('not-an-address')", asyncpg.CheckViolationError),
        (
            "insert into organization_members (organization_id, user_id, role)"
            " values ('org_pro', 'usr_pro_owner', 'member')",
            asyncpg.UniqueViolationError,
        ),
        (
            "insert into organization_members (organization_id, user_id, role)"
            " values ('org_pro', 'usr_team_owner', 'admin')",
            asyncpg.CheckViolationError,
        ),
        (
            "insert into organization_members (organization_id, user_id, role)"
            " values ('org_pro', 'no_such_user', 'member')",
            asyncpg.ForeignKeyViolationError,
        ),
        (
            "insert into plans (unique_name, name, monthly_ai_credits) values ('pro', 'Pro again', 1)",
            asyncpg.UniqueViolationError,
        ),
        (
            "insert into plans (unique_name, name, monthly_ai_credits) values ('neg', 'Negative', -1)",
            asyncpg.CheckViolationError,
        ),
        (
            "insert into organization_plans (organization_id, plan_id) values ('org_pro', 'plan_team')",
            asyncpg.UniqueViolationError,
        ),
        (
            "with o as (insert into organizations (name, slug) values ('X', 'x') returning id)"
            " insert into organization_plans (organization_id, plan_id) select id, 'no_such_plan' from o",
            asyncpg.ForeignKeyViolationError,
        ),
        (
            "update organization_plans set status = 'paused' where organization_id = 'org_pro'",
            asyncpg.CheckViolationError,
        ),
        (
            "update organization_plans set pending_plan_id = 'plan_free' where organization_id = 'org_pro'",
            asyncpg.CheckViolationError,
        ),
        (
            "update organization_plans set current_period_end = current_period_start"
            " where organization_id = 'org_pro'",
            asyncpg.CheckViolationError,
        ),
    ],
)
async def test_tenancy_constraints_refuse_bad_data(db_url: str, sql: str, error: type) -> None:
    async with rolled_back(db_url) as conn:
        await refused(conn, error, sql)


async def test_member_roles_and_scheduled_downgrade_accept_good_data(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(
            "insert into organization_members (organization_id, user_id, role)"
            " values ('org_pro', 'usr_team_owner', $1)",
            "viewer",
        )
        await conn.execute(
            "update organization_plans set pending_plan_id = 'plan_free',"
            " pending_change_at = current_period_end where organization_id = 'org_pro'"
        )
        assert (
            await conn.fetchval("select count(*) from organization_plans where pending_change_at is not null")
            == 1
        )


async def test_organization_plan_copies_the_plan_allocation(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        org = await conn.fetchval("insert into organizations (name, slug) values ('C', 'c') returning id")
        credits = await conn.fetchval(
            "insert into organization_plans (organization_id, plan_id) values ($1, 'plan_pro')"
            " returning monthly_ai_credits",
            org,
        )
    assert credits == 500


async def test_every_table_with_updated_at_has_its_trigger(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        missing = await conn.fetch(
            """select c.relname from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
               join pg_attribute a on a.attrelid = c.oid and a.attname = 'updated_at' and not a.attisdropped
               where n.nspname = 'public' and c.relkind = 'r'
                 and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid
                                 and t.tgname = 'set_public_' || c.relname || '_updated_at')"""
        )
        with_column = await conn.fetchval(
            "select count(*) from information_schema.columns"
            " where table_schema = 'public' and column_name = 'updated_at'"
        )
    assert [r[0] for r in missing] == []
    assert with_column >= 12
