"""Hasura CLI-format migrations and seeds, applied by our own migrator.

Layout: `hasura/migrations/<source>/<version>_<name>/{up,down}.sql`, version = milliseconds since epoch.
Each file runs in one transaction together with its bookkeeping row, so a failed migration leaves nothing
behind and nothing after it runs. Applied versions live in `gqlengine.schema_migrations`; the README says
how to hand such a database over to the real Hasura CLI (`hasura migrate apply --skip-execution`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from devdb.project import migrations_dir, seeds_dir

_DIR_RE = re.compile(r"^([0-9]+)_(.*)$")
# Serializes migrators against one database; any constant works as long as it is ours alone.
_LOCK_KEY = 7_300_118_001

_STATE_DDL = """
create schema if not exists gqlengine;
create table if not exists gqlengine.schema_migrations (
    version bigint primary key,
    name text not null,
    applied_at timestamptz not null default now()
);
"""


class MigrationError(Exception):
    """A migration could not be applied or reversed; the message names it and the database error."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def up_sql(self) -> str | None:
        return _read(self.path / "up.sql")

    @property
    def down_sql(self) -> str | None:
        return _read(self.path / "down.sql")


def _read(path: Path) -> str | None:
    if not path.is_file():
        return None
    text = path.read_text()
    return text if text.strip() else None


def discover(directory: Path | None = None) -> list[Migration]:
    """Migrations in version order; names that do not parse are ignored, as the Hasura CLI does."""
    directory = directory or migrations_dir()
    found = []
    for child in directory.iterdir() if directory.is_dir() else []:
        match = _DIR_RE.match(child.name)
        if child.is_dir() and match:
            found.append(Migration(int(match.group(1)), match.group(2), child))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise MigrationError("two migrations share a version")
    return found


async def applied_versions(conn: asyncpg.Connection) -> dict[int, str]:
    exists = await conn.fetchval("select to_regclass('gqlengine.schema_migrations') is not null")
    if not exists:
        return {}
    rows = await conn.fetch("select version, name from gqlengine.schema_migrations order by version")
    return {r["version"]: r["name"] for r in rows}


async def apply(url: str, *, directory: Path | None = None, log=print) -> list[Migration]:
    """Apply every pending migration in version order; stop at the first failure."""
    migrations = discover(directory)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK_KEY)
        await conn.execute(_STATE_DDL)
        done = await applied_versions(conn)
        applied = []
        for migration in migrations:
            if migration.version in done:
                continue
            sql = migration.up_sql
            try:
                async with conn.transaction():
                    if sql:
                        await conn.execute(sql)
                    await conn.execute(
                        "insert into gqlengine.schema_migrations (version, name) values ($1, $2)",
                        migration.version,
                        migration.name,
                    )
            except asyncpg.PostgresError as exc:
                raise MigrationError(
                    f"migration {migration.version}_{migration.name} failed and was rolled back: {exc}"
                ) from exc
            log(f"applied {migration.version}_{migration.name}")
            applied.append(migration)
        return applied
    finally:
        await conn.close()


async def down(url: str, count: int | None, *, directory: Path | None = None, log=print) -> list[Migration]:
    """Reverse the last `count` applied migrations (all when None), newest first."""
    by_version = {m.version: m for m in discover(directory)}
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK_KEY)
        done = sorted(await applied_versions(conn), reverse=True)
        targets = done if count is None else done[:count]
        reversed_ = []
        for version in targets:
            migration = by_version.get(version)
            if migration is None:
                raise MigrationError(f"version {version} is applied but has no folder in the project")
            sql = migration.down_sql
            if sql is None:
                raise MigrationError(f"{version}_{migration.name} has no down.sql")
            try:
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("delete from gqlengine.schema_migrations where version = $1", version)
            except asyncpg.PostgresError as exc:
                raise MigrationError(
                    f"down of {version}_{migration.name} failed and was rolled back: {exc}"
                ) from exc
            log(f"reversed {version}_{migration.name}")
            reversed_.append(migration)
        return reversed_
    finally:
        await conn.close()


async def status(url: str, *, directory: Path | None = None) -> list[tuple[int, str, bool, bool]]:
    """(version, name, present in the project, applied in the database) for every known version."""
    conn = await asyncpg.connect(url)
    try:
        done = await applied_versions(conn)
    finally:
        await conn.close()
    local = {m.version: m.name for m in discover(directory)}
    versions = sorted(set(local) | set(done))
    return [(v, local.get(v) or done.get(v, ""), v in local, v in done) for v in versions]


def format_status(rows: list[tuple[int, str, bool, bool]]) -> str:
    """The table `hasura migrate status` prints."""
    name_width = max([len(r[1]) for r in rows] + [4])
    lines = [f"{'VERSION':<15}{'NAME':<{name_width + 2}}{'SOURCE STATUS':<16}DATABASE STATUS"]
    for version, name, present, applied in rows:
        source = "Present" if present else "Not Present"
        database = "Present" if applied else "Not Present"
        lines.append(f"{version:<15}{name:<{name_width + 2}}{source:<16}{database}")
    return "\n".join(lines)


async def apply_seeds(url: str, *, directory: Path | None = None, log=print) -> list[Path]:
    """Apply every seed file in name order, all in one transaction (the CLI sends them as one bulk)."""
    directory = directory or seeds_dir()
    files = sorted(p for p in directory.glob("*") if p.suffix.lower() == ".sql") if directory.is_dir() else []
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for path in files:
                try:
                    await conn.execute(path.read_text())
                except asyncpg.PostgresError as exc:
                    raise MigrationError(f"seed {path.name} failed, no seed was applied: {exc}") from exc
                log(f"seeded {path.name}")
    finally:
        await conn.close()
    return files
