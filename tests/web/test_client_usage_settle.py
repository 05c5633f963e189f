"""@credits/client's executeWithAIAccess settling token usage against the real stack: Node
(web/e2e/usage-settle.ts under vite-node) → gqlengine → the service → PostgreSQL. Each call must charge
exactly what the pricing formula gives for the model that served it, computed here from the catalog's prices
and credit_pricing, and write one ledger row with the tokens. Without Node.js it skips with a loud line (CI
requires it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from .conftest import Stack, token

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
VITE_NODE = WEB / "node_modules" / ".bin" / "vite-node"
T = TypeVar("T")
ORG = "org_pro"

# enhanced = gpt-4o, gemini-2.5-flash as first fallback. The counts make the exact price end in a fraction of
# a hundredth (8.7525 and 14.3328 credits at 1000/USD), so rounding up is visible; the hold of 2.00 keeps both
# under the settle ceiling (10 × hold).
CALLS = [
    {"inputTokens": 1233, "outputTokens": 567, "viaFallback": False},
    {"inputTokens": 20001, "outputTokens": 3333, "viaFallback": True},
]
REQUEST = {"capability": "question_generation", "qualityLevel": "enhanced", "estimate": "2.00"}
LEDGER_ROW = """
    select t.credits_amount, t.input_tokens, t.output_tokens, t.provider_cost_usd, m.unique_name as model
    from credit_transactions t join llm_models m on m.id = t.llm_model_id
    where t.reservation_id = $1"""
PER_USD = """
    select coalesce(pp.credits_per_usd, g.credits_per_usd)
    from credit_pricing g
    left join organization_plans op on op.organization_id = $1 and op.status in ('active', 'past_due')
    left join credit_pricing pp on pp.plan_id = op.plan_id
    where g.plan_id is null"""


def _node_missing() -> str | None:
    if not shutil.which("node"):
        return "Node.js is not installed"
    if not VITE_NODE.exists():
        return "web/node_modules is missing (run `make test`, which runs npm ci)"
    return None


async def _price(conn: asyncpg.Connection, model: str, inputs: int, outputs: int) -> tuple[Decimal, Decimal]:
    """Provider cost in USD and its credits by the formula in docs/credit-core.md, from the stored prices."""
    prices = await conn.fetchrow(
        "select input_cost_per_million, output_cost_per_million from llm_models where unique_name = $1", model
    )
    per_usd = await conn.fetchval(PER_USD, ORG)
    millionths = inputs * prices["input_cost_per_million"] + outputs * prices["output_cost_per_million"]
    cost = millionths / Decimal(1_000_000)
    return cost, (cost * per_usd).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


async def _available(conn: asyncpg.Connection) -> Decimal:
    answer = await conn.fetchval("select ai_access_check($1, 'question_generation', 'enhanced')", ORG)
    return Decimal(json.loads(answer, parse_float=Decimal)["balance"]["available"])


async def _in_db(url: str, query: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    conn = await asyncpg.connect(url)
    try:
        return await query(conn)
    finally:
        await conn.close()


def _run_node(stack: Stack) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "ENGINE_URL": stack.engine_url,
        "SERVICE_TOKEN": token("service", ORG),
        "USAGE_CALLS": json.dumps([{**REQUEST, **call} for call in CALLS]),
    }
    run = subprocess.run(
        [str(VITE_NODE), "e2e/usage-settle.ts"], cwd=WEB, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("RESULTS "))
    results: list[dict[str, Any]] = json.loads(line.removeprefix("RESULTS "))
    return results


def test_usage_settle_charges_the_formulas_price(stack: Stack) -> None:
    reason = _node_missing()
    if reason and os.environ.get("CREDITS_BROWSER_TESTS") == "required":  # set by .ci/run
        pytest.fail(f"Node tests required but {reason}")
    if reason:
        pytest.skip(f"BROWSER TESTS SKIPPED (Node client): {reason}")

    before = asyncio.run(_in_db(stack.db_url, _available))
    results = _run_node(stack)
    assert len(results) == len(CALLS)
    by_default, by_fallback = results
    assert by_default["settledModel"] == by_default["reservedModel"] == "openai/gpt-4o"
    assert by_fallback["fallbacks"][0] == by_fallback["settledModel"] == "google/gemini-2.5-flash"

    async def check(conn: asyncpg.Connection) -> Decimal:
        total = Decimal(0)
        for call, result in zip(CALLS, results, strict=True):
            tokens = (call["inputTokens"], call["outputTokens"])
            cost, charge = await _price(conn, result["settledModel"], *tokens)
            assert Decimal(result["settledCredits"]) == charge, (result, cost)
            assert Decimal(result["providerCostUsd"]) == cost
            assert (result["inputTokens"], result["outputTokens"]) == tokens
            row = await conn.fetchrow(LEDGER_ROW, result["reservationId"])
            assert row is not None and row["credits_amount"] == -charge
            assert (row["input_tokens"], row["output_tokens"]) == tokens
            assert (row["provider_cost_usd"], row["model"]) == (cost, result["settledModel"])
            total += charge
        assert await conn.fetch("select * from check_credit_invariants($1)", ORG) == []
        return total

    total = asyncio.run(_in_db(stack.db_url, check))
    assert [r["settledCredits"] for r in results] == ["8.76", "14.34"]  # the formula, worked by hand
    assert asyncio.run(_in_db(stack.db_url, _available)) == before - total
