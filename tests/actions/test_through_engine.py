"""GraphQL → gqlengine (reading hasura/metadata/actions.*) → this service → PostgreSQL, over real HTTP.

Proves the metadata, the secret header from env, the Credits scalar and the error passthrough work together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.servers import engine_env, free_port, serving

from .helpers import SECRET, key

ADMIN_SECRET = "actions-engine-admin-secret"
JWT_KEY = "actions-engine-jwt-key-0123456789abcdef0123456789"


class GraphQL:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)

    def run(
        self, query: str, variables: dict | None = None, *, role: str | None = None, org: str | None = None
    ) -> dict[str, Any]:
        if role is None:
            headers = {"x-hasura-admin-secret": ADMIN_SECRET}
        else:
            claims: dict[str, Any] = {
                "x-hasura-default-role": role,
                "x-hasura-allowed-roles": [role],
                "x-hasura-user-id": "usr_engine_test",
            }
            if org:
                claims["x-hasura-organization-id"] = org
            token = jwt.encode(
                {"sub": "usr_engine_test", "https://hasura.io/jwt/claims": claims}, JWT_KEY, algorithm="HS256"
            )
            headers = {"authorization": f"Bearer {token}"}
        response = self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def graphql(db_url: str, service_url: str) -> Iterator[GraphQL]:
    port = free_port()
    env = engine_env(
        db_url,
        port,
        admin_secret=ADMIN_SECRET,
        jwt_key=JWT_KEY,
        HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES="true",
        ACTIONS_BASE_URL=service_url,
        CREDITS_HASURA_ACTION_SECRET=SECRET,
    )
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], env, f"{base}/healthz"):
        yield GraphQL(f"{base}/v1/graphql")


ACCESS = """query ($c: String!, $q: String!) {
  aiAccessCheck(capability: $c, qualityLevel: $q) {
    allowed reason organizationId estimatedCredits balance { available spendable periodEnd }
    models { id isDefault } unlockPlans { uniqueName }
  }
}"""
RESERVE = """mutation ($k: String!, $amount: Credits) {
  reserveCredits(capability: "question_generation", qualityLevel: "fast", idempotencyKey: $k,
                 estimatedCredits: $amount) { reservationId status reservedCredits organizationId }
}"""
SETTLE = """mutation ($id: String!, $m: jsonb) {
  settleCredits(reservationId: $id, actualCredits: "0.75", providerMetadata: $m) {
    status settledCredits creditsAmount transactionId
  }
}"""


def test_member_checks_access_for_its_own_organization(graphql: GraphQL) -> None:
    out = graphql.run(ACCESS, {"c": "testimonial_polish", "q": "fast"}, role="member", org="org_free_one")
    answer = out["data"]["aiAccessCheck"]
    assert answer["organizationId"] == "org_free_one"
    assert (answer["allowed"], answer["reason"]) == (False, "CAPABILITY_NOT_IN_PLAN")
    assert [p["uniqueName"] for p in answer["unlockPlans"]] == ["pro", "team"]
    assert isinstance(answer["balance"]["available"], str)


def test_member_cannot_see_service_mutations(graphql: GraphQL) -> None:
    out = graphql.run(RESERVE, {"k": key()}, role="member", org="org_pro")
    assert out.get("data") is None
    assert out["errors"][0]["extensions"]["code"] == "validation-failed"


def test_service_reserves_and_settles_through_graphql(graphql: GraphQL) -> None:
    reserved = graphql.run(RESERVE, {"k": key(), "amount": "1.50"}, role="service", org="org_team")
    reservation = reserved["data"]["reserveCredits"]
    assert (reservation["status"], reservation["reservedCredits"], reservation["organizationId"]) == (
        "pending",
        "1.50",
        "org_team",
    )
    settled = graphql.run(
        SETTLE, {"id": reservation["reservationId"], "m": {"tokens": 10}}, role="service", org="org_team"
    )
    assert settled["data"]["settleCredits"]["creditsAmount"] == "-0.75"
    # Another organization's service session cannot settle it: the SQL code comes through verbatim.
    stolen = graphql.run(
        SETTLE, {"id": reservation["reservationId"], "m": None}, role="service", org="org_pro"
    )
    assert stolen["errors"][0]["extensions"] == {"code": "RESERVATION_NOT_FOUND"}


def test_business_error_reaches_the_client_with_its_code(graphql: GraphQL) -> None:
    out = graphql.run(RESERVE, {"k": key(), "amount": "99999"}, role="service", org="org_free_two")
    assert out.get("data") is None
    assert out["errors"][0]["extensions"] == {"code": "INSUFFICIENT_CREDITS"}


def test_admin_grants_credits(graphql: GraphQL) -> None:
    out = graphql.run(
        'mutation ($k: String!) { grantCredits(organizationId: "org_team", amount: "5", kind: "promo_bonus",'
        " idempotencyKey: $k) { transactionType creditsAmount organizationId } }",
        {"k": key()},
    )
    assert out["data"]["grantCredits"] == {
        "transactionType": "promo_bonus",
        "creditsAmount": "5.00",
        "organizationId": "org_team",
    }
