"""The system as a client meets it, for the permission matrix's behaviour tests.

`python -m gqlengine serve` and `python -m actions` (with a fake Stripe API) on loopback ports over this
module's copy of the migrated, seeded database, and an asyncpg connection to the same database for what
the API must not be trusted to report: which rows exist and whether a refused write changed any.

Before the engine starts, every table gets rows the session's organization (ORG) may see and rows it must
not (OTHER's rows, retired catalog rows), so no scope check passes on empty data; the engine's event
triggers are not installed yet then, so nothing is delivered for them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from devkit.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripeServer
from tests.billing.helpers import SECRET
from tests.e2e.conftest import DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY, Api, engine_env
from tests.servers import actions_env, free_port, serving

ORG = "org_pro"  # the organization in every JWT
OTHER = "org_team"  # an organization whose rows must stay out of reach
ADMIN = "admin"

ARRANGE = """
-- Retired catalog rows every catalog scope must hide; two retired plans, one each org once had.
insert into plans (id, unique_name, name, monthly_ai_credits, is_active) values
  ('plan_retired_org', 'retired_org', 'Retired (ours)', 5, false),
  ('plan_retired_other', 'retired_other', 'Retired (theirs)', 5, false);
insert into organization_plans (organization_id, plan_id, status) values
  ('org_pro', 'plan_retired_org', 'canceled'), ('org_team', 'plan_retired_other', 'canceled');
insert into quality_levels (id, unique_name, name, is_active)
  values ('ql_retired', 'retired', 'Retired', false);
insert into ai_capabilities (id, unique_name, name, is_active)
  values ('cap_retired', 'retired', 'Retired', false);
insert into llm_models (id, unique_name, provider, model_id, display_name, quality_tier, is_active)
  values ('llm_retired', 'retired', 'openai', 'retired', 'Retired', 'fast', false);
insert into credit_topup_packages (id, unique_name, name, credits, price_usd_cents, is_active)
  values ('pkg_retired', 'retired', 'Retired', 10, 100, false);
insert into plan_ai_capabilities (id, plan_id, ai_capability_id)
  values ('pac_retired', 'plan_retired_org', 'cap_question_generation');
insert into plan_ai_capability_quality_levels (id, plan_ai_capability_id, quality_level_id)
  values ('pacq_retired', 'pac_retired', 'ql_fast');
insert into plan_quality_level_models (plan_ai_capability_quality_level_id, llm_model_id)
  select 'pacq_retired', id from llm_models where is_active order by id limit 1;

-- Credit rows of both organizations: a settled and a pending reservation (ledger and usage rows too),
-- a notice, a purchase, settings, and one Stripe event.
select settle_credits(
    o, reserve_credits(o, 'question_generation', 'fast', 'matrix-settled')->>'reservation_id', 1)
  from unnest(array['org_pro', 'org_team']) o;
select reserve_credits(o, 'question_generation', 'fast', 'matrix-pending')
  from unnest(array['org_pro', 'org_team']) o;
insert into credit_notifications (organization_id, kind, period_start)
  select o, 'low_balance', date_trunc('month', now()) from unnest(array['org_pro', 'org_team']) o;
insert into credit_purchases (organization_id, package_id, credits, amount_cents, stripe_checkout_session_id)
  select o, 'pkg_starter', 100, 999, 'cs_matrix_' || o from unnest(array['org_pro', 'org_team']) o;
insert into organization_credit_settings (organization_id, notification_webhook_url,
    notification_webhook_secret, auto_topup_package_id, auto_topup_threshold, auto_topup_monthly_cap,
    stripe_payment_method_id)
  select o, 'https://hooks.example/' || o, 'secret-' || o, 'pkg_starter', 5, 5000, 'pm_' || o
  from unnest(array['org_pro', 'org_team']) o;
insert into stripe_events (id, type, payload) values ('evt_matrix', 'checkout.session.completed', '{}');
"""


@dataclass
class Stack:
    api: Api  # for tokens
    url: str
    http: httpx.AsyncClient
    db: asyncpg.Connection

    async def gql(self, role: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`query` as `role` with a JWT of ORG (anonymous: no token at all)."""
        headers = {}
        if role != "anonymous":
            headers["authorization"] = f"Bearer {self.api.token(role, ORG, user='usr_pro_owner')}"
        r = await self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert r.status_code == 200, r.text
        return r.json()


async def _arrange(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(ARRANGE)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def arranged_db(db_url: str) -> str:
    await _arrange(db_url)
    return db_url


@pytest.fixture(scope="module")
def servers(arranged_db: str) -> Iterator[str]:
    """The engine's GraphQL URL, with the service (and a fake Stripe) behind its actions."""
    with FakeStripeServer() as stripe:
        service_port, engine_port = free_port(), free_port()
        service_url = f"http://127.0.0.1:{service_port}"
        service_env = actions_env(
            arranged_db,
            service_port,
            action_secret=SECRET,
            CREDITS_STRIPE_SECRET_KEY=API_KEY,
            CREDITS_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            CREDITS_STRIPE_API_BASE=stripe.url,
        )
        gql_env = engine_env(
            arranged_db, engine_port, ACTIONS_BASE_URL=service_url, CREDITS_HASURA_ACTION_SECRET=SECRET
        )
        engine_url = f"http://127.0.0.1:{engine_port}"
        with (
            serving(["-m", "actions"], service_env, f"{service_url}/healthz"),
            serving(["-m", "gqlengine", "serve"], gql_env, f"{engine_url}/healthz"),
        ):
            yield f"{engine_url}/v1/graphql"


@pytest.fixture(scope="module")
async def stack(servers: str, arranged_db: str) -> AsyncIterator[Stack]:
    db = await asyncpg.connect(arranged_db)
    await db.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await db.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    async with httpx.AsyncClient(timeout=30) as http:
        yield Stack(Api(servers, DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY), servers, http, db)
    await db.close()
