"""org_seq: each organization's ledger numbered 1, 2, 3, ... in ledger order, whatever the others do.

ledger_seq is global, so its gaps between one organization's rows count every other organization's
activity; org_seq is what end-user roles see and stream by, and it must reveal nothing of the kind.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg

from tests.sql import rolled_back

ORGS = ("org_pro", "org_team", "org_free_one")


async def _numbering(conn: asyncpg.Connection, org: str) -> tuple[list[int], list[int]]:
    rows = await conn.fetch(
        "select org_seq, ledger_seq from credit_transactions where organization_id = $1 order by ledger_seq",
        org,
    )
    return [r["org_seq"] for r in rows], [r["ledger_seq"] for r in rows]


async def test_concurrent_writers_of_several_organizations_number_each_ledger_without_gaps(
    db_url: str,
) -> None:
    pool = await asyncpg.create_pool(db_url, min_size=6, max_size=6)
    try:

        async def grant(org: str, n: int) -> None:
            async with pool.acquire() as conn:
                await conn.fetchval(
                    "select grant_credits($1, $2, 'promo_bonus', $3)",
                    org,
                    Decimal("1.00"),
                    f"orgseq-{org}-{n}",
                )

        await asyncio.gather(*(grant(org, n) for n in range(15) for org in ORGS))
        async with pool.acquire() as conn:
            for org in ORGS:
                org_seq, _ = await _numbering(conn, org)
                assert org_seq == list(range(1, len(org_seq) + 1)), org
                assert len(org_seq) >= 15
            # The writers interleaved, so the global sequence has gaps the per-organization one hides.
            _, pro_ledger = await _numbering(conn, "org_pro")
            assert pro_ledger[-1] - pro_ledger[0] + 1 > len(pro_ledger)
            assert await conn.fetch("select * from check_credit_invariants()") == []
    finally:
        await pool.close()


async def test_org_seq_is_assigned_by_the_database_not_the_writer(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        before, _ = await _numbering(conn, "org_pro")
        await conn.execute(
            "insert into credit_transactions (organization_id, transaction_type, credits_amount,"
            " balance_after, idempotency_key, org_seq)"
            " values ('org_pro', 'promo_bonus', 1, 0, 'orgseq-forged', 1000000)"
        )
        after, _ = await _numbering(conn, "org_pro")
        assert after == [*before, len(before) + 1]


async def test_a_new_organization_starts_at_one(db_url: str) -> None:
    async with rolled_back(db_url) as conn:
        await conn.execute(
            "insert into organizations (id, name, slug) values ('org_seq_new', 'n', 'org-seq-new')"
        )
        await conn.execute(
            "insert into organization_plans"
            " (organization_id, plan_id, current_period_start, current_period_end)"
            " values ('org_seq_new', 'plan_pro', date_trunc('month', now()),"
            " date_trunc('month', now()) + interval '1 month')"
        )
        await conn.fetchval("select grant_credits('org_seq_new', 5, 'promo_bonus', 'orgseq-new-1')")
        org_seq, _ = await _numbering(conn, "org_seq_new")
        assert org_seq == [1, 2, 3]  # the first allocation, the plan's welcome bonus, the grant
