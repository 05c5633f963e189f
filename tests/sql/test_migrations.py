"""Every migration applies, and every down.sql reverses exactly its own up.sql (schema and data)."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg

from devdb import migrate
from tests.sql import schema_snapshot, table_contents

_TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|START\s+TRANSACTION|ROLLBACK)\s*;", re.I | re.M)
_CONCURRENTLY = re.compile(
    r"\bINDEX\s+(IF\s+NOT\s+EXISTS\s+)?CONCURRENTLY\b|\bREINDEX\b[^;]*\bCONCURRENTLY\b", re.I
)


def _quiet(_: str) -> None:
    pass


async def _state(url: str) -> tuple[dict, dict]:
    conn = await asyncpg.connect(url)
    try:
        return await schema_snapshot(conn), await table_contents(conn)
    finally:
        await conn.close()


async def test_apply_down_all_apply_gives_the_same_schema(empty_db_url: str) -> None:
    await migrate.apply(empty_db_url, log=_quiet)
    first_schema, _ = await _state(empty_db_url)
    assert first_schema["relations"], "the migrations created nothing"

    reversed_ = await migrate.down(empty_db_url, None, log=_quiet)
    assert len(reversed_) == len(migrate.discover())
    emptied, _ = await _state(empty_db_url)
    assert emptied == {name: [] for name in first_schema}, "down all left objects in schema public"

    await migrate.apply(empty_db_url, log=_quiet)
    second_schema, _ = await _state(empty_db_url)
    assert second_schema == first_schema


async def test_each_down_restores_the_state_before_its_up(empty_db_url: str, tmp_path: Path) -> None:
    # Apply the migrations one at a time (a directory that grows by one link per step) recording the state
    # before each; then reverse them one at a time and compare with what was recorded.
    migrations = migrate.discover()
    growing = tmp_path / "migrations"
    growing.mkdir()
    before: list[tuple[dict, dict]] = []
    for migration in migrations:
        before.append(await _state(empty_db_url))
        (growing / migration.path.name).symlink_to(migration.path)
        applied = await migrate.apply(empty_db_url, directory=growing, log=_quiet)
        assert [m.version for m in applied] == [migration.version]

    for migration, expected in zip(reversed(migrations), reversed(before), strict=True):
        await migrate.down(empty_db_url, 1, log=_quiet)
        schema, contents = await _state(empty_db_url)
        name = migration.path.name
        assert schema == expected[0], f"down.sql of {name} does not restore the schema"
        assert contents == expected[1], f"down.sql of {name} does not restore the data"


async def test_migration_folders_follow_the_naming_rule() -> None:
    for migration in migrate.discover():
        assert len(str(migration.version)) == 13, migration.path.name
        assert re.fullmatch(r"[a-z]+_[a-z0-9_]+", migration.name), f"{migration.path.name}: <verb>_<object>"
        assert migration.up_sql and migration.down_sql, f"{migration.path.name} needs up.sql and down.sql"
        for sql in (migration.up_sql, migration.down_sql):
            # Each migration already runs in a transaction (Hasura and our migrator wrap it).
            assert not _TRANSACTION_CONTROL.search(sql), f"{migration.path.name} has BEGIN/COMMIT"
            assert not _CONCURRENTLY.search(sql), f"{migration.path.name} uses CONCURRENTLY"
