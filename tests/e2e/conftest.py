"""End-to-end GraphQL over HTTP, runnable unchanged against real Hasura.

GRAPHQL_URL (e.g. http://localhost:8080/v1/graphql) selects an already running engine; the secrets come from
HASURA_GRAPHQL_ADMIN_SECRET and HASURA_GRAPHQL_JWT_SECRET (HS256). Without GRAPHQL_URL a fixture starts
`python -m gqlengine serve` on a free loopback port over this module's copy of the migrated, seeded database.
Ground truth for every assertion is what the admin role reads through the same API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests import servers
from tests.servers import free_port, serving

DEFAULT_ADMIN_SECRET = "e2e-admin-secret"
DEFAULT_JWT_KEY = "e2e-jwt-key-0123456789abcdef0123456789abcdef"
ORGS = ("org_free_one", "org_pro")
ORG_ROLES = ("viewer", "member", "org_admin", "owner")


class Api:
    def __init__(self, url: str, admin_secret: str, jwt_key: str) -> None:
        self.url = url
        self.admin_secret = admin_secret
        self.jwt_key = jwt_key
        self.http = httpx.Client(timeout=30)

    def token(
        self,
        role: str,
        org: str | None,
        user: str = "usr_e2e",
        exp: int | None = None,
        allowed: list[str] | None = None,
    ) -> str:
        claims: dict[str, Any] = {
            "x-hasura-default-role": role,
            "x-hasura-allowed-roles": allowed or [role],
            "x-hasura-user-id": user,
        }
        if org is not None:
            claims["x-hasura-organization-id"] = org
        payload: dict[str, Any] = {"sub": user, "https://hasura.io/jwt/claims": claims}
        if exp is not None:
            payload["exp"] = exp
        return jwt.encode(payload, self.jwt_key, algorithm="HS256")

    def post(
        self, query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        r = self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers or {}
        )
        assert r.status_code == 200, r.text
        return r.json()

    def admin(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        out = self.post(query, variables, {"x-hasura-admin-secret": self.admin_secret})
        assert "errors" not in out, out
        return out["data"]

    def as_role(
        self, role: str, org: str | None, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.post(query, variables, {"authorization": f"Bearer {self.token(role, org)}"})

    def anonymous(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.post(query, variables)


def engine_env(db_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of `python -m gqlengine serve` over `db_url` with this package's secrets."""
    return servers.engine_env(
        db_url, port, admin_secret=DEFAULT_ADMIN_SECRET, jwt_key=DEFAULT_JWT_KEY, **extra
    )


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    url = os.environ.get("GRAPHQL_URL")
    if url:
        secret = os.environ["HASURA_GRAPHQL_ADMIN_SECRET"]
        key = json.loads(os.environ["HASURA_GRAPHQL_JWT_SECRET"])["key"]
        yield Api(url, secret, key)
        return
    db_url = request.getfixturevalue("db_url")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], engine_env(db_url, port), f"{base}/healthz"):
        yield Api(f"{base}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)
