"""docs/credit-core.md stays exact: every signature it lists exists as written, and its error table names
exactly the codes the credit functions can raise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.sql.credit_helpers import connect

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "credit-core.md").read_text()
MIGRATIONS = ROOT / "hasura" / "migrations" / "default"
SIGNATURE = re.compile(r"`(\w+)\(([^`]*)\) → ([^`]+)`")


def _normal(text: str) -> str:
    text = text.lower().replace("timestamp with time zone", "timestamptz")
    text = re.sub(r"::[a-z ]+", "", text)  # pg prints defaults with casts: DEFAULT NULL::numeric
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(db_url)
    yield c
    await c.close()


async def test_every_documented_signature_exists_as_written(conn: asyncpg.Connection) -> None:
    documented = SIGNATURE.findall(DOC)
    assert len(documented) >= 14
    for name, args, result in documented:
        rows = await conn.fetch(
            "select pg_get_function_arguments(p.oid) args, pg_get_function_result(p.oid) result"
            " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'public' and p.proname = $1",
            name,
        )
        assert len(rows) == 1, f"{name}: {len(rows)} functions"
        assert _normal(rows[0]["args"]) == _normal(args), name
        assert _normal(rows[0]["result"]) == _normal(result), name


def _raised_codes() -> set[str]:
    codes: set[str] = set()
    for up in sorted(MIGRATIONS.glob("177*/up.sql")):
        sql = up.read_text()
        codes |= set(re.findall(r"credits_raise\('([A-Z_]+)'", sql))
        codes |= set(re.findall(r"v_reason := '([A-Z_]+)'", sql))  # denials, raised by reserve
    return codes


def _documented_codes() -> set[str]:
    section = DOC.split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| code")]
    return {code for row in rows for code in re.findall(r"\b[A-Z][A-Z_]{3,}[A-Z]\b", row.split("|")[1])}


def test_error_table_lists_exactly_the_raised_codes() -> None:
    assert _raised_codes() == _documented_codes()
