"""Issue-3 benchmark: the credit functions against pgbench's TPC-B on the same server, in one run.

(a) TPC-B scale 10 at 1/4/16 clients; (b) reserve+settle cycles over 10,000 orgs; (c) the same on one hot
org; (d) access-check latency for an org with 100, 10,000 and 1,000,000 ledger rows.

(b0) is a yardstick, not a product path: the same two-transaction cycle on bare tables (no foreign keys, no
CHECK constraints, bigint ids, one index per lookup, no validation, no access rule, no JSON answer), so a
reader can see what this machine gives a minimal cycle and how much of (b)'s cost is the schema's integrity
and the functions' rules rather than the server.
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

BARE_SCHEMA = """
drop schema if exists bench_bare cascade;
create schema bench_bare;
create table bench_bare.balance (org text primary key, credits numeric(12,2) not null,
                                 reserved numeric(12,2) not null default 0,
                                 used numeric(12,2) not null default 0);
insert into bench_bare.balance select 'bench_' || i, 1000000 from generate_series(1, {orgs}) i;
create table bench_bare.reservation (id bigserial primary key, org text not null,
                                     amount numeric(12,2) not null, status text not null, key text not null,
                                     unique (org, key));
create table bench_bare.ledger (id bigserial primary key, org text not null, amount numeric(12,2) not null,
                                reservation bigint, balance_after numeric(12,2) not null,
                                created_at timestamptz not null default now());
create index on bench_bare.ledger (org, created_at);
create function bench_bare.reserve(p_org text, p_key text) returns bigint language plpgsql as $$
declare v_id bigint;
begin
    update bench_bare.balance set reserved = reserved + 1
    where org = p_org and credits - reserved - used >= 1;
    if not found then raise exception 'insufficient credits'; end if;
    insert into bench_bare.reservation (org, amount, status, key) values (p_org, 1, 'pending', p_key)
    returning id into v_id;
    return v_id;
end $$;
create function bench_bare.settle(p_org text, p_id bigint, p_amount numeric)
returns bigint language plpgsql as $$
declare r bench_bare.reservation; b bench_bare.balance; v_id bigint;
begin
    update bench_bare.reservation set status = 'settled' where id = p_id and status = 'pending'
    returning * into r;
    update bench_bare.balance set reserved = reserved - r.amount, used = used + p_amount where org = p_org
    returning * into b;
    insert into bench_bare.ledger (org, amount, reservation, balance_after)
    values (p_org, -p_amount, p_id, b.credits - b.used) returning id into v_id;
    return v_id;
end $$;
"""

BARE_CYCLE = """\\set org random(1, {orgs})
SELECT bench_bare.reserve('bench_' || :org, md5(random()::text || clock_timestamp()::text)) AS rid \\gset
SELECT bench_bare.settle('bench_' || :org, :rid, 1);
"""


CAPABILITY, QUALITY_LEVEL, PLAN = "question_generation", "fast", "plan_team"


async def _make_orgs(url: str, count: int) -> tuple[str, str]:
    """`count` orgs bench_1..bench_N on the team plan (no rate limits) with a large bonus."""
    conn = await asyncpg.connect(url)
    try:
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
            insert into organization_plans (organization_id, plan_id, status, current_period_start,
                                            current_period_end)
            select 'bench_' || i, $2, 'active',
                   date_trunc('month', now()), date_trunc('month', now()) + interval '1 month'
            from generate_series(1, $1) i
            where not exists (select 1 from organization_plans p where p.organization_id = 'bench_' || i)
            """,
            count,
            PLAN,
        )
        await conn.execute(
            """
            select grant_credits('bench_' || i, 1000000, 'promo_bonus', 'bench-bonus-' || i)
            from generate_series(1, $1) i
            """,
            count,
        )
        return CAPABILITY, QUALITY_LEVEL
    finally:
        await conn.close()


async def _bare_schema(url: str, orgs: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(BARE_SCHEMA.format(orgs=orgs))
    finally:
        await conn.close()


async def _ledger_rows(url: str, org: str, total: int) -> None:
    """Grow one org's ledger to `total` rows of history.

    Written directly (pairs of +1/-1 adjustments that cancel out, so the balance and the invariants stay
    as they were): a million grant_credits calls would take minutes and measure nothing we read here.
    """
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval("select count(*) from credit_transactions where organization_id = $1", org)
        balance = await conn.fetchval(
            "select get_available_credits($1) + reserved_credits "
            "from organization_credit_balances where organization_id = $1",
            org,
        )
        await conn.execute(
            """
            insert into credit_transactions (organization_id, transaction_type, credits_amount, balance_after,
                                             idempotency_key, description, created_at)
            select $1, 'admin_adjustment', case when i % 2 = 0 then 1 else -1 end,
                   $4 + case when i % 2 = 0 then 1 else 0 end,
                   'bench-hist-' || $1 || '-' || i, 'benchmark history', now() - interval '1 day'
            from generate_series($2::int, $3::int) i
            """,
            org,
            have,
            total - 1 + (total - have) % 2,
            balance,
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
    asyncio.run(_bare_schema(url, BENCH_ORGS))
    log(f"(b0) the same cycle on bare tables (a yardstick), {BENCH_ORGS} orgs")
    for c in CLIENTS:
        r = pgbench.run(url, clients=c, seconds=seconds, script=BARE_CYCLE.format(orgs=BENCH_ORGS))
        results[f"b0_cps_{c}"] = r.tps
        log(f"    {c:>2} clients: {r.tps:10.0f} cycles/s  {r.latency_ms:6.2f} ms/cycle")
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
