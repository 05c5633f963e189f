"""SQL suites. Shared helpers live here: a catalog snapshot of schema public, table contents, and a
connection context whose work is always rolled back (so tests can share one module database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

# Each query returns rows of text only, already ordered, so two snapshots compare with ==.
_SNAPSHOT_QUERIES: dict[str, str] = {
    "relations": """
        select c.relname, c.relkind::text, coalesce(obj_description(c.oid, 'pg_class'), '')
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'S', 'f')
        order by 1""",
    "columns": """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attgenerated::text, a.attidentity::text,
               coalesce(col_description(c.oid, a.attnum), ''), a.attnum::text
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f') and a.attnum > 0
          and not a.attisdropped
        order by 1, a.attnum""",
    "constraints": """
        select c.relname, k.conname, pg_get_constraintdef(k.oid),
               coalesce(obj_description(k.oid, 'pg_constraint'), '')
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public'
        order by 1, 2""",
    "indexes": """
        select i.tablename, i.indexname, i.indexdef,
               coalesce(obj_description(format('%I.%I', i.schemaname, i.indexname)::regclass, 'pg_class'), '')
        from pg_indexes i where i.schemaname = 'public'
        order by 1, 2""",
    "functions": """
        select p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid),
               coalesce(obj_description(p.oid, 'pg_proc'), '')
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
        order by 1, 2""",
    "triggers": """
        select c.relname, t.tgname, pg_get_triggerdef(t.oid)
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and not t.tgisinternal
        order by 1, 2""",
    "views": """
        select c.relname, pg_get_viewdef(c.oid)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('v', 'm')
        order by 1""",
    "types": """
        select t.typname, t.typtype::text
        from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'public' and t.typtype in ('e', 'd', 'c', 'r', 'm') and t.typrelid = 0
        order by 1""",
}


async def schema_snapshot(conn: asyncpg.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Tables, columns (type, default, nullability, generation), constraints with their definitions,
    indexes, functions with their source, triggers, views, types and comments of schema public."""
    return {name: [tuple(r) for r in await conn.fetch(sql)] for name, sql in _SNAPSHOT_QUERIES.items()}


async def table_contents(conn: asyncpg.Connection) -> dict[str, list[str]]:
    """Every row of every base table in public, as sorted text, keyed by table name."""
    tables = await conn.fetch("select tablename from pg_tables where schemaname = 'public' order by 1")
    contents = {}
    for row in tables:
        rows = await conn.fetch(f'select t::text as r from public."{row["tablename"]}" t order by 1')
        contents[row["tablename"]] = [r["r"] for r in rows]
    return contents


@asynccontextmanager
async def rolled_back(url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection inside a transaction that is rolled back at the end, whatever happened."""
    conn = await asyncpg.connect(url)
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield conn
    finally:
        await transaction.rollback()
        await conn.close()


async def refused(
    conn: asyncpg.Connection, error: type[asyncpg.PostgresError], sql: str, *args: Any
) -> asyncpg.PostgresError:
    """Run one statement in a savepoint; return the error it must raise (the outer transaction survives)."""
    try:
        async with conn.transaction():
            await conn.execute(sql, *args)
    except error as exc:
        return exc
    raise AssertionError(f"expected {error.__name__} from: {sql} {args}")
