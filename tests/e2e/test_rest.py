"""The REST endpoints (hasura/metadata/rest_endpoints.yaml) over plain HTTP with the same JWTs as GraphQL:
each answers exactly what the caller's role reads through /v1/graphql, for the caller's organization only.

Against real Hasura set GRAPHQL_URL (and the service behind its actions); otherwise the engine and the
credits service run on loopback ports over this module's database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.billing.helpers import SECRET
from tests.servers import actions_env, free_port, serving

from .conftest import DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY, ORG_ROLES, ORGS, Api, engine_env


@dataclass
class Rest:
    api: Api
    base: str  # e.g. http://127.0.0.1:8080/api/rest
    http: httpx.Client

    def call(
        self,
        method: str,
        path: str,
        role: str | None = None,
        org: str | None = None,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.api.token(role, org)}"} if role else {}
        return self.http.request(method, f"{self.base}/{path}", params=params, json=body, headers=headers)

    def get(self, path: str, role: str, org: str, **params: Any) -> Any:
        r = self.call("GET", path, role, org, params)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def rest(request: pytest.FixtureRequest) -> Iterator[Rest]:
    url = os.environ.get("GRAPHQL_URL")
    if url:
        api: Api = request.getfixturevalue("api")
        yield Rest(api, url.removesuffix("/v1/graphql") + "/api/rest", httpx.Client(timeout=30))
        return
    db_url = request.getfixturevalue("db_url")
    service_port, engine_port = free_port(), free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    engine_url = f"http://127.0.0.1:{engine_port}"
    service_env = actions_env(
        db_url,
        service_port,
        action_secret=SECRET,
    )
    gql_env = engine_env(
        db_url, engine_port, ACTIONS_BASE_URL=service_url, CREDITS_HASURA_ACTION_SECRET=SECRET
    )
    with (
        serving(["-m", "actions"], service_env, f"{service_url}/healthz"),
        serving(["-m", "gqlengine", "serve"], gql_env, f"{engine_url}/healthz"),
        httpx.Client(timeout=30) as http,
    ):
        api = Api(f"{engine_url}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)
        yield Rest(api, f"{engine_url}/api/rest", http)


BALANCE_FIELDS = """organization_id available spendable monthly_credits monthly_remaining bonus_credits
  reserved_credits used_this_period overdraft_limit effective_low_balance_threshold period_start period_end
  updated_at"""
LEDGER_FIELDS = """id transaction_type credits_amount balance_after ai_capability_id quality_level_id
  llm_model_id reservation_id description created_at org_seq"""


def _ledger(api: Api, org: str, where: str = "", limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    query = f"""{{ credit_transactions(where: {{organization_id: {{_eq: "{org}"}} {where}}},
        order_by: {{org_seq: desc}}, limit: {limit}, offset: {offset}) {{ {LEDGER_FIELDS} }} }}"""
    return api.admin(query)["credit_transactions"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("role", ORG_ROLES)
def test_balance_is_the_callers_organization_only(rest: Rest, role: str, org: str) -> None:
    where = f'{{organization_id: {{_eq: "{org}"}}}}'
    query = f"{{ organization_credit_balances(where: {where}) {{ {BALANCE_FIELDS} }} }}"
    expected = rest.api.admin(query)["organization_credit_balances"]
    assert len(expected) == 1
    assert rest.get("credits/balance", role, org) == {"organization_credit_balances": expected}


@pytest.mark.parametrize("org", ORGS)
def test_transactions_page_newest_first_for_the_callers_organization(rest: Rest, org: str) -> None:
    everything = _ledger(rest.api, org, limit=100)
    assert len(everything) >= 2  # the paging checks below need more than one row
    assert rest.get("credits/transactions", "member", org) == {"credit_transactions": everything[:20]}
    page = rest.get("credits/transactions", "viewer", org, limit=1, offset=1)
    assert page == {"credit_transactions": everything[1:2]}
    assert rest.get("credits/transactions", "viewer", org, limit=1) == {"credit_transactions": everything[:1]}


@pytest.mark.parametrize("org", ORGS)
def test_transactions_filter_by_type(rest: Rest, org: str) -> None:
    kind = _ledger(rest.api, org)[0]["transaction_type"]
    expected = _ledger(rest.api, org, where=f'transaction_type: {{_eq: "{kind}"}}')
    got = rest.get("credits/transactions", "owner", org, type=kind)["credit_transactions"]
    assert got == expected and {t["transaction_type"] for t in got} == {kind}
    assert rest.get("credits/transactions", "owner", org, type="no_such_type") == {"credit_transactions": []}


@pytest.mark.parametrize("org", ORGS)
def test_usage_between_two_days(rest: Rest, org: str) -> None:
    query = f"""{{ credit_usage_daily(where: {{organization_id: {{_eq: "{org}"}},
        day: {{_gte: "2000-01-01", _lte: "2100-01-01"}}}},
        order_by: [{{day: asc}}, {{ai_capability_id: asc}}, {{quality_level_id: asc}}, {{llm_model_id: asc}}])
        {{ day ai_capability_id quality_level_id llm_model_id operations credits }} }}"""
    expected = rest.api.admin(query)["credit_usage_daily"]
    got = rest.get("credits/usage", "member", org, **{"from": "2000-01-01", "to": "2100-01-01"})
    assert got == {"credit_usage_daily": expected}
    none = rest.get("credits/usage", "member", org, **{"from": "1990-01-01", "to": "1990-12-31"})
    assert none == {"credit_usage_daily": []}


def test_usage_needs_both_days(rest: Rest) -> None:
    r = rest.call("GET", "credits/usage", "member", ORGS[0], {"from": "2024-01-01"})
    assert r.status_code == 400
    assert r.json() == {
        "path": "$",
        "error": 'expecting a value for non-nullable variable: "to"',
        "code": "validation-failed",
    }


@pytest.mark.parametrize("org", ORGS)
def test_access_check_by_query_string_and_by_json_body(rest: Rest, org: str) -> None:
    args = {"capability": "question_generation", "qualityLevel": "fast"}
    by_get = rest.get("ai/access-check", "member", org, **args)["aiAccessCheck"]
    r = rest.call("POST", "ai/access-check", "viewer", org, body=args)
    assert r.status_code == 200, r.text
    by_post = r.json()["aiAccessCheck"]
    assert by_get["organizationId"] == by_post["organizationId"] == org
    assert by_get["capability"] == "question_generation" and by_get["qualityLevel"] == "fast"
    assert by_get["balance"] == by_post["balance"]
    graphql = rest.api.as_role(
        "member",
        org,
        """query ($c: String!, $q: String!) { aiAccessCheck(capability: $c, qualityLevel: $q) {
             allowed balance { available spendable reserved lowBalanceThreshold } } }""",
        {"c": "question_generation", "q": "fast"},
    )["data"]["aiAccessCheck"]
    assert (by_get["allowed"], by_get["balance"]) == (graphql["allowed"], graphql["balance"])


def test_errors_are_hasuras(rest: Rest) -> None:
    org = ORGS[0]
    r = rest.call("GET", "credits/balance")  # no token: the unauthorized role, which reads no balance
    assert (r.status_code, r.json()) == (
        400,
        {
            "path": "$.selectionSet.organization_credit_balances",
            "error": "field 'organization_credit_balances' not found in type: 'query_root'",
            "code": "validation-failed",
        },
    )
    r = rest.call("DELETE", "credits/balance", "member", org)
    assert (r.status_code, r.json()) == (
        405,
        {"path": "$", "error": "Allowed methods: GET", "code": "method-not-allowed"},
    )
    r = rest.call("GET", "credits/nothing", "member", org)
    assert (r.status_code, r.json()) == (
        404,
        {"path": "$", "error": "Endpoint not found", "code": "not-found"},
    )
    r = rest.call("GET", "credits/balance", "member", org, {"org": "org_pro"})
    assert (r.status_code, r.json()) == (
        400,
        {"path": "$", "error": "Unexpected variable org", "code": "bad-request"},
    )
    r = rest.call("GET", "credits/transactions", "member", org, {"limit": "ten"})
    assert r.status_code == 400 and r.json()["code"] == "validation-failed"


def test_openapi_document_lists_the_routes_and_their_parameters(rest: Rest) -> None:
    r = rest.http.get(
        rest.base.removesuffix("/rest") + "/swagger/json",
        headers={"x-hasura-admin-secret": rest.api.admin_secret},
    )
    assert r.status_code == 200, r.text
    paths = r.json()["paths"]
    assert set(paths) == {
        "/api/rest/credits/balance",
        "/api/rest/credits/transactions",
        "/api/rest/credits/usage",
        "/api/rest/ai/access-check",
    }
    params = {
        p["name"]: p["required"] for p in paths["/api/rest/credits/transactions"]["get"]["parameters"][1:]
    }
    assert params == {"limit": False, "offset": False, "type": False}
    assert set(paths["/api/rest/ai/access-check"]) == {"get", "post"}
