"""Database fixtures shared by every suite.

One server per test session (DATABASE_URL, else the embedded one). A template database is migrated and
seeded once per set of migration and seed files (its name carries their hash, so an unchanged tree reuses
it across runs); each test module gets its own copy (`db_url`), and tests that must start from nothing ask
for `fresh_db_url`. `CREATE DATABASE … TEMPLATE` copies files, so a copy costs milliseconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncpg
import pytest

from devdb import migrate, pgserver
from devdb.project import migrations_dir, seeds_dir

_counter = itertools.count()


def _tree_hash() -> str:
    digest = hashlib.sha256()
    # Seeds put demo tenants in the current billing month, so a template from last month is stale.
    digest.update(datetime.now(UTC).strftime("%Y-%m").encode())
    for root in (migrations_dir(), seeds_dir()):
        for path in sorted(root.rglob("*.sql")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(pgserver.with_database(url, "postgres"))


async def _build_template(url: str, name: str) -> None:
    conn = await _admin(url)
    try:
        # Test sessions started side by side (several checkouts, or pytest runs in parallel) would otherwise
        # each build the same template and race on the final rename; the lock ends with the connection.
        await conn.execute("select pg_advisory_lock(hashtext('credits test template'))")
        if await conn.fetchval("select 1 from pg_database where datname = $1", name):
            return
        for (stale,) in await conn.fetch(
            "select datname from pg_database where datname like 'credits\\_tpl\\_%\\_building\\_%'"
        ):
            # Left by a session killed mid-build (only a lock holder builds, so none is in progress).
            await conn.execute(f'drop database if exists "{stale}" with (force)')
        building = f"{name}_building_{os.getpid()}"
        await conn.execute(f'drop database if exists "{building}"')
        await conn.execute(f'create database "{building}"')
        target = pgserver.with_database(url, building)
        await migrate.apply(target, log=lambda _: None)
        await migrate.apply_seeds(target, log=lambda _: None)
        # Renaming last means a half-built template is never mistaken for a finished one.
        await conn.execute(f'alter database "{building}" rename to "{name}"')
        await conn.execute(f'alter database "{name}" with is_template true allow_connections false')
    finally:
        await conn.close()


async def _clone(url: str, template: str, name: str) -> None:
    conn = await _admin(url)
    try:
        await conn.execute(f'create database "{name}" template "{template}"')
    finally:
        await conn.close()


async def _drop(url: str, name: str) -> None:
    conn = await _admin(url)
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the project database on the test server (used only to reach the server)."""
    return pgserver.server_url()


@pytest.fixture(scope="session")
def template_db(pg_url: str) -> str:
    name = f"credits_tpl_{_tree_hash()}"
    asyncio.run(_build_template(pg_url, name))
    return name


def _new_db(pg_url: str, template: str) -> Iterator[str]:
    name = f"credits_t_{os.getpid()}_{next(_counter)}"
    asyncio.run(_clone(pg_url, template, name))
    try:
        yield pgserver.with_database(pg_url, name)
    finally:
        asyncio.run(_drop(pg_url, name))


@pytest.fixture(scope="module")
def db_url(pg_url: str, template_db: str) -> Iterator[str]:
    """A migrated, seeded database of this module's own."""
    yield from _new_db(pg_url, template_db)


@pytest.fixture
def fresh_db_url(pg_url: str, template_db: str) -> Iterator[str]:
    """A migrated, seeded database of this test's own."""
    yield from _new_db(pg_url, template_db)


@pytest.fixture
def empty_db_url(pg_url: str) -> Iterator[str]:
    """An empty database of this test's own (no migrations)."""
    yield from _new_db(pg_url, "template0")
