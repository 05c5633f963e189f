"""The GraphQL schema each role sees, as the web packages' codegen reads it (web/schema/<role>.graphql).

A metadata change that alters what a role sees fails here with the diff; `make web-schema` writes the new
files, and `make test`'s typecheck then tells whether the frontend's operations still fit them.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import httpx
import pytest
from graphql import build_client_schema, get_introspection_query, print_schema

from .conftest import Stack, token

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "web" / "schema"
# The roles the web packages speak as: viewer for everything any member of an organization reads, org_admin
# and owner for their settings and purchases, service for executeWithAIAccess.
ROLES = ("viewer", "org_admin", "owner", "service")


def role_sdl(engine_url: str, role: str) -> str:
    response = httpx.post(
        f"{engine_url}/v1/graphql",
        json={"query": get_introspection_query()},
        headers={"authorization": f"Bearer {token(role, 'org_pro', f'usr_pro_{role}')}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return print_schema(build_client_schema(body["data"])) + "\n"


@pytest.mark.parametrize("role", ROLES)
def test_checked_in_schema_matches_the_engine(stack: Stack, role: str) -> None:
    live = role_sdl(stack.engine_url, role)
    path = SCHEMA_DIR / f"{role}.graphql"
    if os.environ.get("UPDATE_WEB_SCHEMA") == "1":
        SCHEMA_DIR.mkdir(exist_ok=True)
        path.write_text(live)
    stored = path.read_text() if path.exists() else ""
    diff = "".join(difflib.unified_diff(stored.splitlines(True), live.splitlines(True), str(path), "engine"))
    assert not diff, f"the {role} schema changed; run `make web-schema` and then `make test`:\n{diff[:6000]}"
