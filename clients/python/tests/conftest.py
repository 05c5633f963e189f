"""The real stack for the client's tests: PostgreSQL (the suite's template copy), `python -m actions` and
`python -m gqlengine serve` on loopback ports, once per session. Ground truth is read with SQL.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from credits_client import CreditsClient, RetryPolicy, service_token

from tests.billing.helpers import SECRET
from tests.conftest import _new_db, pg_url, template_db  # noqa: F401 (fixtures)
from tests.e2e.conftest import DEFAULT_JWT_KEY, engine_env
from tests.servers import actions_env, free_port, serving

FAST_RETRIES = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, total_timeout=10)

# A plan of the tests' own (inactive: never offered) with the catalog shapes the denials need.
LAB_PLAN = """
insert into plans (id, unique_name, name, monthly_ai_credits, is_active) values
  ('plan_lab', 'lab', 'Lab', 100, false);
insert into llm_models (id, unique_name, provider, model_id, display_name, quality_tier) values
  ('llm_unpriced', 'openai/unpriced', 'openai', 'unpriced', 'Unpriced', 'fast');
insert into plan_ai_capabilities (id, plan_id, ai_capability_id, is_enabled, rate_limit_rpd) values
  ('pac_lab_q', 'plan_lab', 'cap_question_generation', true, 1),
  ('pac_lab_a', 'plan_lab', 'cap_testimonial_assembly', true, null),
  ('pac_lab_p', 'plan_lab', 'cap_testimonial_polish', false, null);
insert into plan_ai_capability_quality_levels (id, plan_ai_capability_id, quality_level_id)
  select 'pacql_lab_' || pac.id, pac.id, q.id from plan_ai_capabilities pac, quality_levels q
  where pac.plan_id = 'plan_lab' and q.unique_name = 'fast';
insert into plan_quality_level_models
  (plan_ai_capability_quality_level_id, llm_model_id, is_default, priority) values
  ('pacql_lab_pac_lab_q', 'llm_gpt_4o_mini', true, 0), ('pacql_lab_pac_lab_q', 'llm_unpriced', false, 1);
"""


@dataclass
class Stack:
    graphql_url: str
    db_url: str

    async def sql(self, query: str, *args: Any) -> Any:
        conn = await asyncpg.connect(self.db_url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    async def val(self, query: str, *args: Any) -> Any:
        rows = await self.sql(query, *args)
        return rows[0][0] if rows else None

    async def new_org(self, plan: str = "plan_pro") -> str:
        """A fresh organization on `plan` (its balance and first allocation are provisioned by the insert).

        The plan's welcome bonus is waived so that balances are the plan's monthly credits alone."""
        org = "org_" + secrets.token_hex(6)
        await self.sql(
            "insert into organizations (id, name, slug) values ($1, $1, $2)", org, org.replace("_", "-")
        )
        await self.sql(
            "insert into organization_plans"
            " (organization_id, plan_id, current_period_start, current_period_end, welcome_bonus_credits)"
            " values ($1, $2, now(), now() + interval '1 month', 0)",
            org,
            plan,
        )
        return org

    def token(self, org: str, role: str = "service") -> str:
        return service_token(org, DEFAULT_JWT_KEY, role=role)

    def client(self, org: str, role: str = "service", **options: Any) -> CreditsClient:
        options.setdefault("retry", FAST_RETRIES)
        return CreditsClient(self.graphql_url, token=self.token(org, role), **options)

    async def snapshot(self, org: str) -> tuple[Any, ...]:
        """Everything a refused call must leave alone: the balance row, the ledger, the reservations."""
        balance = await self.sql(
            "select monthly_credits, bonus_credits, reserved_credits, used_this_period"
            " from organization_credit_balances where organization_id = $1",
            org,
        )
        ledger = await self.sql(
            "select id from credit_transactions where organization_id = $1 order by 1", org
        )
        holds = await self.sql(
            "select id, status, settled_credits from credit_reservations"
            " where organization_id = $1 order by 1",
            org,
        )
        return tuple(map(tuple, balance)), tuple(map(tuple, ledger)), tuple(map(tuple, holds))

    async def invariants(self, org: str) -> list[Any]:
        return list(await self.sql("select * from check_credit_invariants($1)", org))


@pytest.fixture(scope="session")
def client_db_url(pg_url: str, template_db: str) -> Iterator[str]:  # noqa: F811
    yield from _new_db(pg_url, template_db)


@pytest.fixture(scope="session")
def stack(client_db_url: str) -> Iterator[Stack]:
    async def arrange() -> None:
        conn = await asyncpg.connect(client_db_url)
        try:
            await conn.execute(LAB_PLAN)
        finally:
            await conn.close()

    asyncio.run(arrange())
    service_port, engine_port = free_port(), free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    engine_url = f"http://127.0.0.1:{engine_port}"
    service_env = actions_env(
        client_db_url,
        service_port,
        action_secret=SECRET,
    )
    gql_env = engine_env(
        client_db_url,
        engine_port,
        ACTIONS_BASE_URL=service_url,
        CREDITS_HASURA_ACTION_SECRET=SECRET,
        HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL="100",
    )
    with (
        serving(["-m", "actions"], service_env, f"{service_url}/healthz"),
        serving(["-m", "gqlengine", "serve"], gql_env, f"{engine_url}/healthz"),
    ):
        yield Stack(f"{engine_url}/v1/graphql", client_db_url)


@pytest.fixture
async def org(stack: Stack) -> str:
    return await stack.new_org()


@pytest.fixture
async def credits(stack: Stack, org: str) -> AsyncIterator[CreditsClient]:
    async with stack.client(org) as client:
        yield client
