"""End-to-end GraphQL over HTTP, runnable unchanged against real Hasura.

GRAPHQL_URL (e.g. http://localhost:8080/v1/graphql) selects an already running engine; the secrets come from
HASURA_GRAPHQL_ADMIN_SECRET and HASURA_GRAPHQL_JWT_SECRET (HS256). Without GRAPHQL_URL a fixture starts
`python -m gqlengine serve` on a free loopback port over this module's copy of the migrated, seeded database.
Ground truth for every assertion is what the admin role reads through the same API.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

DEFAULT_ADMIN_SECRET = "e2e-admin-secret"
DEFAULT_JWT_KEY = "e2e-jwt-key-0123456789abcdef0123456789abcdef"
ORGS = ("org_free_one", "org_pro")
ORG_ROLES = ("viewer", "member", "org_admin", "owner")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    env = dict(os.environ)
    env.update(
        {
            "PG_DATABASE_URL": db_url,
            "HASURA_GRAPHQL_ADMIN_SECRET": DEFAULT_ADMIN_SECRET,
            "HASURA_GRAPHQL_JWT_SECRET": json.dumps({"type": "HS256", "key": DEFAULT_JWT_KEY}),
            "HASURA_GRAPHQL_UNAUTHORIZED_ROLE": "anonymous",
            "HASURA_GRAPHQL_SERVER_PORT": str(port),
            "HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES": "false",
            "ACTIONS_BASE_URL": env.get("ACTIONS_BASE_URL", "http://127.0.0.1:9"),
            **extra,
        }
    )
    env.pop("DATABASE_URL", None)
    return env


@contextlib.contextmanager
def serving(args: list[str], env: dict[str, str], health_url: str) -> Iterator[None]:
    """Run `python <args>` until the block ends; ready once `health_url` answers 200."""
    # A file, not a pipe: an unread pipe would block the server once its buffer fills.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(health_url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                out = log.read().decode()
                raise RuntimeError(f"{' '.join(args)} did not start:\n{out[-4000:]}")
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    url = os.environ.get("GRAPHQL_URL")
    if url:
        secret = os.environ["HASURA_GRAPHQL_ADMIN_SECRET"]
        key = json.loads(os.environ["HASURA_GRAPHQL_JWT_SECRET"])["key"]
        yield Api(url, secret, key)
        return
    db_url = request.getfixturevalue("db_url")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], engine_env(db_url, port), f"{base}/healthz"):
        yield Api(f"{base}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)
