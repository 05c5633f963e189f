"""README's shell examples run as written against `make up` (scripts/devstack.py), on free ports.

The stack gets a database of this test's own (DATABASE_URL) and a data directory of its own
(CREDITS_DATA_DIR), so a developer's running `make up` is left alone. The examples are taken from README.md
itself: every ```sh block of "Using it" that talks to $GRAPHQL_URL, run by bash in order, in one shell.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from devdb.project import project_root
from devkit import tokens
from tests.servers import free_port

README = project_root() / "README.md"


def _sh_blocks() -> list[str]:
    text = README.read_text()
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def readme_examples() -> list[str]:
    return [b for b in _sh_blocks() if "$GRAPHQL_URL" in b]


def readme_rest_examples() -> list[str]:
    return [b for b in _sh_blocks() if "$ENGINE_URL/api/rest/" in b]


@dataclass
class Stack:
    home: Path  # the directory README's relative paths (.data/tokens.env) are read from
    env: dict[str, str]
    up_output: str

    def tokens_env(self) -> dict[str, str]:
        exported = {}
        for line in (self.home / ".data" / "tokens.env").read_text().splitlines():
            if line.startswith("export "):
                name, value = line.removeprefix("export ").split("=", 1)
                exported[name] = value
        return exported

    def graphql(self, token: str, query: str) -> dict[str, Any]:
        url = self.tokens_env()["GRAPHQL_URL"]
        r = httpx.post(url, json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        body = r.json()
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture(scope="module")
def stack(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("readme")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CREDITS_", "HASURA_GRAPHQL_", "PG_DATABASE_URL", "ACTIONS_BASE_URL"))
    }
    env.update(
        DATABASE_URL=db_url,
        CREDITS_DATA_DIR=str(home / ".data"),
        HASURA_GRAPHQL_SERVER_PORT=str(free_port()),
        CREDITS_PORT=str(free_port()),
        CREDITS_LOCAL_STRIPE_PORT=str(free_port()),
        CREDITS_CONSOLE_PORT=str(free_port()),
        # Event and cron deliveries every 100 ms instead of Hasura's default second.
        HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL="100",
    )
    devstack = [sys.executable, str(project_root() / "scripts" / "devstack.py")]
    try:
        up = subprocess.run([*devstack, "up"], env=env, capture_output=True, text=True, timeout=180)
        assert up.returncode == 0, up.stdout + up.stderr
        yield Stack(home, env, up.stdout)
    finally:
        down = subprocess.run([*devstack, "down"], env=env, capture_output=True, text=True, timeout=60)
        assert "DATABASE_URL is set" in down.stdout, down.stdout + down.stderr


def test_make_up_prints_a_table_and_writes_every_token(stack: Stack) -> None:
    assert "eyJ" not in stack.up_output  # no wall of JWTs
    assert len(stack.up_output.splitlines()) < 30
    exported = stack.tokens_env()
    for org in tokens.DEMO_ORGS:
        for role in tokens.ROLES:
            assert f"{org}_{role}_TOKEN".upper() in exported
    for alias in ("SERVICE", "MEMBER", "OWNER"):
        assert exported[f"{alias}_TOKEN"] == f"$ORG_PRO_{alias}_TOKEN"
    data = stack.graphql(exported["ORG_TEAM_VIEWER_TOKEN"], "{ organizations { id } }")
    assert data["organizations"] == [{"id": "org_team"}]


def test_the_token_command_mints_a_working_token(stack: Stack) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devkit", "token", "org_free_two", "member", "--ttl", "120"],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project_root(),
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120
    assert claims["https://hasura.io/jwt/claims"]["x-hasura-user-id"] == "usr_free_two_member"
    data = stack.graphql(token, "{ organizations { id } }")
    assert data["organizations"] == [{"id": "org_free_two"}]

    refused = subprocess.run(
        [sys.executable, "-m", "devkit", "token", "org_pro", "admin"],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project_root(),
    )
    assert refused.returncode == 2 and "invalid choice" in refused.stderr


def _bonus(stack: Stack) -> Decimal:
    data = stack.graphql(
        stack.tokens_env()["ORG_PRO_MEMBER_TOKEN"], "{ organization_credit_balances { bonus_credits } }"
    )
    return Decimal(data["organization_credit_balances"][0]["bonus_credits"])


def test_readme_examples_run_as_written(stack: Stack) -> None:
    examples = readme_examples()
    assert len(examples) == 2  # the credit calls, and a local top-up
    bonus_before = _bonus(stack)
    script = "set -euo pipefail\n" + "\n".join(examples)
    result = subprocess.run(
        ["bash", "-c", script], cwd=stack.home, env=stack.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [a.get("errors") for a in answers] == [None, None], answers
    settled, balances = (a["data"] for a in answers)
    assert settled["settleCredits"]["transactionId"]
    assert balances["credit_transactions"][0]["transaction_type"] == "ai_consumption"
    checkout_url, paid = result.stdout.strip().splitlines()[-2:]
    assert checkout_url.startswith(f"http://127.0.0.1:{stack.env['CREDITS_LOCAL_STRIPE_PORT']}/c/pay/")
    assert paid == "303 http://localhost/paid"

    # The signed webhook was verified and stored; the engine's event trigger fulfils it.
    deadline = time.monotonic() + 30
    while _bonus(stack) != bonus_before + 100:
        assert time.monotonic() < deadline, "the local top-up never reached the balance"
        time.sleep(0.2)


def test_readme_rest_examples_run_as_written(stack: Stack) -> None:
    (block,) = readme_rest_examples()
    result = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + block],
        cwd=stack.home,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    balance, transactions, usage, check_get, check_post = (json.loads(x) for x in result.stdout.splitlines())
    assert balance["organization_credit_balances"][0]["available"]
    assert isinstance(transactions["credit_transactions"], list)
    assert isinstance(usage["credit_usage_daily"], list)
    assert check_get == check_post
    assert check_get["aiAccessCheck"]["allowed"] is True
