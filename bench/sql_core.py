"""Issue-3 benchmark: the credit functions against pgbench's TPC-B on the same server, in one run.

(a) TPC-B scale 10 at 1/4/16 clients; (b) reserve+settle cycles over 10,000 orgs; (c) the same on one hot
org; (d) access-check latency for an org with 100, 10,000 and 1,000,000 ledger rows.
"""

from __future__ import annotations

import asyncio

import asyncpg

from bench import pgbench

CLIENTS = (1, 4, 16)
BENCH_ORGS = 10_000
LEDGER_SIZES = (100, 10_000, 1_000_000)

# One cycle = two short transactions, exactly what the service sends for one AI call.
CYCLE = """\\set org random(1, {orgs})
SELECT (reserve_credits('bench_' || :org, :cap, :ql, md5(random()::text || clock_timestamp()::text)))
       ->>'reservation_id' AS rid \\gset
SELECT settle_credits('bench_' || :org, :rid, 1);
"""

READ = """SELECT ai_access_check(:org, :cap, :ql);
"""


async def _ids(conn: asyncpg.Connection) -> tuple[str, str, str]:
    cap = await conn.fetchval("select id from ai_capabilities where unique_name = 'question_generation'")
    ql = await conn.fetchval("select id from quality_levels where unique_name = 'fast'")
    plan = await conn.fetchval("select id from plans where unique_name = 'team'")
    return cap, ql, plan


async def _make_orgs(url: str, count: int) -> tuple[str, str]:
    """`count` orgs bench_1..bench_N on the team plan (no rate limits) with a large bonus."""
    conn = await asyncpg.connect(url)
    try:
        cap, ql, plan = await _ids(conn)
        await conn.execute(
            """
            insert into organizations (id, name, slug)
            select 'bench_' || i, 'Bench ' || i, 'bench-' || i from generate_series(1, $1) i
            on conflict do nothing;
            """,
            count,
        )
        await conn.execute(
            """
            insert into organization_plans (organization_id, plan_id, status)
            select 'bench_' || i, $2, 'active' from generate_series(1, $1) i
            where not exists (select 1 from organization_plans p where p.organization_id = 'bench_' || i)
            """,
            count,
            plan,
        )
        await conn.execute(
            """
            select grant_credits('bench_' || i, 1000000, 'promo_bonus', 'bench-bonus-' || i)
            from generate_series(1, $1) i
            """,
            count,
        )
        return cap, ql
    finally:
        await conn.close()


async def _ledger_rows(url: str, org: str, total: int) -> None:
    """Grow one org's ledger to `total` rows with balanced grants, so reads see a long history."""
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval("select count(*) from credit_transactions where organization_id = $1", org)
        if have < total:
            await conn.execute(
                """
                select grant_credits($1, case when i % 2 = 0 then 1 else -1 end, 'admin_adjustment',
                                     'bench-hist-' || $1 || '-' || i)
                from generate_series($2::int, $3::int) i
                """,
                org,
                have,
                total - 1,
            )
    finally:
        await conn.close()


def run(url: str, seconds: int, log=print) -> dict[str, float]:
    results: dict[str, float] = {}
    log("(a) TPC-B scale 10")
    pgbench.init_tpcb(url, 10)
    for c in CLIENTS:
        r = pgbench.run(url, clients=c, seconds=seconds)
        results[f"a_tps_{c}"] = r.tps
        log(f"    {c:>2} clients: {r.tps:10.0f} tps  {r.latency_ms:6.2f} ms")
    cap, ql = asyncio.run(_make_orgs(url, BENCH_ORGS))
    for label, orgs in (("b", BENCH_ORGS), ("c", 1)):
        log(f"({label}) reserve+settle cycles, {orgs} org(s)")
        script = CYCLE.format(orgs=orgs)
        for c in CLIENTS:
            r = pgbench.run(url, clients=c, seconds=seconds, script=script, defines={"cap": cap, "ql": ql})
            results[f"{label}_cps_{c}"] = r.tps
            log(f"    {c:>2} clients: {r.tps:10.0f} cycles/s  {r.latency_ms:6.2f} ms/cycle")
    log("(d) access-check read latency by ledger size (1 client)")
    for size in LEDGER_SIZES:
        asyncio.run(_ledger_rows(url, "bench_2", size))
        defines = {"org": "bench_2", "cap": cap, "ql": ql}
        r = pgbench.run(url, clients=1, seconds=seconds, script=READ, defines=defines)
        results[f"d_ms_{size}"] = r.latency_ms
        log(f"    {size:>9} rows: {r.latency_ms:6.3f} ms")
    return results
