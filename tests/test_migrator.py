"""The migrator and the CLI on a project of their own: order, transactions, status, down, seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from devdb import migrate


def _write(root: Path, version: int, name: str, up: str, down: str | None = None) -> None:
    folder = root / f"{version}_{name}"
    folder.mkdir(parents=True)
    (folder / "up.sql").write_text(up)
    if down is not None:
        (folder / "down.sql").write_text(down)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    migrations = tmp_path / "hasura" / "migrations" / "default"
    # Written out of order on purpose: the version, not the directory listing, decides.
    _write(migrations, 1700000000200, "create_b", "create table b (id int references a);", "drop table b;")
    _write(migrations, 1700000000100, "create_a", "create table a (id int primary key);", "drop table a;")
    (migrations / "not_a_migration").mkdir()
    seeds = tmp_path / "seeds" / "default"
    seeds.mkdir(parents=True)
    (seeds / "2_more.sql").write_text("insert into a values (2) on conflict do nothing;")
    (seeds / "1_first.sql").write_text("insert into a values (1) on conflict do nothing;")
    return tmp_path


async def _tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("select tablename from pg_tables where schemaname = 'public' order by 1")
        return [r["tablename"] for r in rows]
    finally:
        await conn.close()


async def test_apply_runs_pending_in_version_order_once(empty_db_url: str, project: Path) -> None:
    directory = project / "hasura" / "migrations" / "default"
    applied = await migrate.apply(empty_db_url, directory=directory, log=lambda _: None)
    assert [m.version for m in applied] == [1700000000100, 1700000000200]
    assert await _tables(empty_db_url) == ["a", "b"]
    assert await migrate.apply(empty_db_url, directory=directory, log=lambda _: None) == []


async def test_failed_migration_rolls_back_and_stops(empty_db_url: str, project: Path) -> None:
    directory = project / "hasura" / "migrations" / "default"
    _write(directory, 1700000000300, "broken", "create table c (id int); select no_such_function();")
    _write(directory, 1700000000400, "after", "create table d (id int);")
    with pytest.raises(migrate.MigrationError, match="1700000000300_broken"):
        await migrate.apply(empty_db_url, directory=directory, log=lambda _: None)
    assert await _tables(empty_db_url) == ["a", "b"]
    rows = await migrate.status(empty_db_url, directory=directory)
    assert [(v, applied) for v, _, _, applied in rows] == [
        (1700000000100, True),
        (1700000000200, True),
        (1700000000300, False),
        (1700000000400, False),
    ]


async def test_down_reverses_newest_first(empty_db_url: str, project: Path) -> None:
    directory = project / "hasura" / "migrations" / "default"
    await migrate.apply(empty_db_url, directory=directory, log=lambda _: None)
    reversed_ = await migrate.down(empty_db_url, 1, directory=directory, log=lambda _: None)
    assert [m.name for m in reversed_] == ["create_b"]
    assert await _tables(empty_db_url) == ["a"]
    await migrate.down(empty_db_url, None, directory=directory, log=lambda _: None)
    assert await _tables(empty_db_url) == []


async def test_down_without_down_sql_refuses(empty_db_url: str, project: Path) -> None:
    directory = project / "hasura" / "migrations" / "default"
    _write(directory, 1700000000300, "one_way", "create table c (id int);")
    await migrate.apply(empty_db_url, directory=directory, log=lambda _: None)
    with pytest.raises(migrate.MigrationError, match=r"no down\.sql"):
        await migrate.down(empty_db_url, 1, directory=directory, log=lambda _: None)
    assert "c" in await _tables(empty_db_url)


async def test_seeds_apply_in_name_order_and_twice_is_harmless(empty_db_url: str, project: Path) -> None:
    await migrate.apply(empty_db_url, directory=project / "hasura/migrations/default", log=lambda _: None)
    seeds = project / "seeds" / "default"
    for _ in range(2):
        files = await migrate.apply_seeds(empty_db_url, directory=seeds, log=lambda _: None)
    assert [f.name for f in files] == ["1_first.sql", "2_more.sql"]
    conn = await asyncpg.connect(empty_db_url)
    try:
        assert [r["id"] for r in await conn.fetch("select id from a order by id")] == [1, 2]
    finally:
        await conn.close()


def test_cli_status_table_like_hasura(empty_db_url: str, project: Path) -> None:
    env = {"DATABASE_URL": empty_db_url, "CREDITS_PROJECT_DIR": str(project), "PATH": "/usr/bin:/bin"}

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "gqlengine", *args], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert "2 migration(s) applied" in cli("migrate", "apply")
    lines = cli("migrate", "status").splitlines()
    assert lines[0].split() == ["VERSION", "NAME", "SOURCE", "STATUS", "DATABASE", "STATUS"]
    assert lines[1].split() == ["1700000000100", "create_a", "Present", "Present"]
    assert "1 migration(s) reversed" in cli("migrate", "down", "1")
    assert cli("migrate", "status").splitlines()[2].split() == [
        "1700000000200",
        "create_b",
        "Present",
        "Not",
        "Present",
    ]
    assert "Seeds planted" in cli("seed", "apply")
