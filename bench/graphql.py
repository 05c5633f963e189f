"""Issue-5 benchmark: a typical dashboard query as role `member` through gqlengine, beside the same answer
built by hand-written SQL through an asyncpg pool, in one run.

The query: the organization's balance with the computed fields `available` and `spendable`, its last 20
ledger rows with capability and model names through relationships, and a 30-day usage aggregate from
`credit_usage_daily`. The org (one of the bench orgs) first gets ~1,000 ledger rows from reserve+settle
cycles. Before timing, the engine's answer and the SQL's answer are parsed and compared, so both sides
provably return the same data. 16 concurrent clients each side (then 1, for latency without queueing),
the sides alternating in short slices (see service.alternate); the engine runs as a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import jwt

from bench import openloop, service
from bench.service import CLIENTS, ROUNDS, HttpPool, Measurement, Server, alternate, cpu_note, direct_pool

ORG = "bench_9999"
LEDGER_ROWS = 1_000
COUNT = "select count(*) from credit_transactions where organization_id = $1"

QUERY = """
query Dashboard($since: date!) {
  organization_credit_balances {
    monthly_credits bonus_credits reserved_credits used_this_period overdraft_limit
    available spendable period_start period_end
  }
  credit_transactions(order_by: {org_seq: desc}, limit: 20) {
    id transaction_type credits_amount estimated_credits balance_after created_at
    ai_capability { unique_name name }
    llm_model { model_id display_name }
  }
  credit_usage_daily_aggregate(where: {day: {_gte: $since}}) {
    aggregate { count sum { credits operations } }
  }
}
"""

# The same answer by hand: the role's row filters (organization, active capabilities and models) written
# out, numerics as strings (HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES=true; the engine answers the sum of the
# integer column `operations` as a JSON number), and the `data` object built in one statement.
SQL = """
select json_build_object(
  'organization_credit_balances', coalesce((
    select json_agg(json_build_object(
      'monthly_credits', b.monthly_credits::text,
      'bonus_credits', b.bonus_credits::text,
      'reserved_credits', b.reserved_credits::text,
      'used_this_period', b.used_this_period::text,
      'overdraft_limit', b.overdraft_limit::text,
      'available', public.organization_credit_balances_available(b)::text,
      'spendable', public.organization_credit_balances_spendable(b)::text,
      'period_start', b.period_start,
      'period_end', b.period_end))
    from public.organization_credit_balances b
    where b.organization_id = $1), '[]'),
  'credit_transactions', coalesce((
    select json_agg(json_build_object(
      'id', t.id,
      'transaction_type', t.transaction_type,
      'credits_amount', t.credits_amount::text,
      'estimated_credits', t.estimated_credits::text,
      'balance_after', t.balance_after::text,
      'created_at', t.created_at,
      'ai_capability', (select json_build_object('unique_name', c.unique_name, 'name', c.name)
                        from public.ai_capabilities c where c.id = t.ai_capability_id and c.is_active),
      'llm_model', (select json_build_object('model_id', m.model_id, 'display_name', m.display_name)
                    from public.llm_models m where m.id = t.llm_model_id and m.is_active))
      order by t.org_seq desc)
    from (select * from public.credit_transactions
          where organization_id = $1 order by org_seq desc limit 20) t), '[]'),
  'credit_usage_daily_aggregate', (
    select json_build_object('aggregate', json_build_object(
      'count', count(*),
      'sum', json_build_object('credits', sum(u.credits)::text, 'operations', sum(u.operations))))
    from public.credit_usage_daily u
    where u.organization_id = $1 and u.day >= $2))
"""


async def _ledger(url: str) -> int:
    """Grow ORG's ledger to ~LEDGER_ROWS rows: reserve+settle cycles over each allowed capability/level."""
    conn = await asyncpg.connect(url)
    try:
        pairs = [
            (cap, ql)
            for cap, ql in await conn.fetch(
                "select c.unique_name, q.unique_name from ai_capabilities c, quality_levels q order by 1, 2"
            )
            if json.loads(await conn.fetchval("select ai_access_check($1, $2, $3)", ORG, cap, ql))["allowed"]
        ]
        have = await conn.fetchval(COUNT, ORG)
        for i in range(LEDGER_ROWS - have):
            cap, ql = pairs[i % len(pairs)]
            reserved = await conn.fetchval(
                "select reserve_credits($1, $2, $3, $4)", ORG, cap, ql, f"bench-dash-{uuid.uuid4().hex}"
            )
            rid = json.loads(reserved)["reservation_id"]
            await conn.execute("select settle_credits($1, $2, $3)", ORG, rid, f"{1 + i % 7}.25")
        return int(await conn.fetchval(COUNT, ORG))
    finally:
        await conn.close()


def _token(key: str) -> str:
    claims = {
        "x-hasura-default-role": "member",
        "x-hasura-allowed-roles": ["member"],
        "x-hasura-organization-id": ORG,
        "x-hasura-user-id": "usr_bench_member",
    }
    payload = {"sub": "usr_bench_member", "iat": int(time.time()), "https://hasura.io/jwt/claims": claims}
    return jwt.encode(payload, key, algorithm="HS256")


def _engine_request(client: HttpPool, body: bytes) -> Callable[..., Awaitable[None]]:
    """One dashboard request; with `scheduled` (an open-loop arrival) its latency counts from that instant."""

    async def through(sink: list[float], scheduled: float | None = None) -> None:
        began = time.perf_counter() if scheduled is None else scheduled
        status, answer = await client.post("/v1/graphql", body)
        sink.append(time.perf_counter() - began)
        if status != 200 or answer.startswith(b'{"errors"'):
            raise RuntimeError(f"HTTP {status} {answer!r}")

    return through


async def _compare(
    url: str, server: Server, token: str, since: date, seconds: float
) -> tuple[dict[int, tuple[Measurement, Measurement]], list[openloop.Point]]:
    """Check that both sides answer the same data, then (direct, engine) at 16 clients and at 1 client, then
    the engine alone at constant arrival rates (fractions of direct SQL's 16-client requests/s)."""
    body = json.dumps({"query": QUERY, "variables": {"since": since.isoformat()}}).encode()
    pool = await direct_pool(url)
    try:
        auth = {"Authorization": f"Bearer {token}"}
        async with HttpPool("127.0.0.1", server.port, auth) as client:
            async with pool.acquire() as conn:
                reference = json.loads(await conn.fetchval(SQL, ORG, since))
            first = json.loads((await client.post("/v1/graphql", body))[1])
            data = first.get("data") or {}
            if data != reference:
                differ = [k for k in reference if data.get(k) != reference[k]] or list(first)
                engine_part = {k: data.get(k) for k in differ} if data else first
                raise RuntimeError(
                    f"the engine and the hand-written SQL disagree on {differ}:\n"
                    f"engine: {json.dumps(engine_part, sort_keys=True)}\n"
                    f"sql:    {json.dumps({k: reference[k] for k in differ}, sort_keys=True)}"
                )

            async def direct(sink: list[float]) -> None:
                began = time.perf_counter()
                async with pool.acquire() as conn:
                    await conn.fetchval(SQL, ORG, since)
                sink.append(time.perf_counter() - began)

            through = _engine_request(client, body)
            closed = {c: await alternate(direct, through, seconds, url, c, server) for c in (CLIENTS, 1)}
        # The open loop may have more requests waiting than the closed loop has clients.
        async with HttpPool("127.0.0.1", server.port, auth, size=service.OPEN_LOOP_CONNECTIONS) as client:
            points = await openloop.sweep(_engine_request(client, body), closed[CLIENTS][0].rate, seconds)
        return closed, points
    finally:
        await pool.close()


def _print_row(log: Callable[[str], None], label: str, m: Measurement) -> None:
    log(f"    {label:<24} {m.rate:8.0f} requests/s  p50 {m.p(50):6.2f} ms  p99 {m.p(99):6.2f} ms")


def run(url: str, seconds: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    asyncio.run(service.ensure_bench_orgs(url))
    rows = asyncio.run(_ledger(url))
    since = date.today() - timedelta(days=30)
    key = secrets.token_urlsafe(48)
    port = service.free_port()
    admin_secret = secrets.token_urlsafe(24)
    env = dict(os.environ)
    env.update(
        PG_DATABASE_URL=url,
        DATABASE_URL=url,
        HASURA_GRAPHQL_ADMIN_SECRET=admin_secret,
        HASURA_GRAPHQL_JWT_SECRET=json.dumps({"type": "HS256", "key": key}),
        HASURA_GRAPHQL_UNAUTHORIZED_ROLE="anonymous",
        HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES="true",
        # Nothing here calls an action; cron deliveries to this closed port fail fast and harmlessly.
        ACTIONS_BASE_URL="http://127.0.0.1:9",
        CREDITS_HASURA_ACTION_SECRET=secrets.token_urlsafe(24),
    )
    log(f"(graphql) dashboard query as member of {ORG} ({rows} ledger rows), the two sides alternating")
    log(f"          in {ROUNDS} slices each")
    server = Server.start(["gqlengine", "serve", "--port", str(port)], env, port, "/healthz")
    try:
        # One user asking thousands of times a second is what a benchmark does and a rate limit refuses:
        # this engine (its own process, metadata in memory) measures the engine, not the limiter.
        httpx.post(
            f"http://127.0.0.1:{port}/v1/metadata",
            json={"type": "remove_api_limits", "args": {}},
            headers={"x-hasura-admin-secret": admin_secret},
            timeout=10,
        ).raise_for_status()
        results, points = asyncio.run(_compare(url, server, _token(key), since, seconds))
    finally:
        server.stop()
    log("    engine's answer compared with the SQL's before timing: identical data")
    for c, (direct, engine) in results.items():
        _print_row(log, f"direct SQL, {c:>2} client(s)", direct)
        log(f"      {cpu_note(direct)}")
        _print_row(log, f"gqlengine, {c:>2} client(s)", engine)
        log(f"      {cpu_note(engine)}")
    openloop.describe("dashboard", points, "requests", log)
    return {
        "open_loop": points,
        "direct_rps": results[CLIENTS][0].rate,
        "engine_rps": results[CLIENTS][1].rate,
        "engine_p99_ms": results[CLIENTS][1].p(99),
        "engine_p99_ms_1": results[1][1].p(99),
    }
