"""What the behaviour tests read from the database directly: column types, keys, and table fingerprints."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type, e.g. "numeric(12,2)", "timestamp with time zone"
    generated: bool  # computed by the database (GENERATED … AS, identity ALWAYS): nobody writes it


@dataclass(frozen=True)
class Relation:
    name: str
    columns: dict[str, Column]
    primary_key: list[str]
    is_view: bool


async def describe(conn: asyncpg.Connection, names: list[str]) -> dict[str, Relation]:
    rows = await conn.fetch(
        """select c.relname as rel, c.relkind::text as kind, a.attname as col,
                  format_type(a.atttypid, a.atttypmod) as type,
                  (a.attgenerated <> '' or a.attidentity = 'a') as generated,
                  coalesce(a.attnum = any(i.indkey::int2[]), false) as in_pk
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           left join pg_index i on i.indrelid = c.oid and i.indisprimary
           where c.relname = any($1::text[])
           order by c.relname, a.attnum""",
        names,
    )
    out: dict[str, Relation] = {}
    for name in names:
        mine = [r for r in rows if r["rel"] == name]
        out[name] = Relation(
            name=name,
            columns={r["col"]: Column(r["col"], r["type"], r["generated"]) for r in mine},
            primary_key=[r["col"] for r in mine if r["in_pk"]],
            is_view=bool(mine) and mine[0]["kind"] in ("v", "m"),
        )
    return out


async def fingerprint(conn: asyncpg.Connection, tables: list[str]) -> dict[str, str]:
    """table -> a hash of all its rows: equal before and after means the table did not change."""
    parts = [f"select '{t}' as t, ({rows_hash(t)}) as h" for t in tables]
    return {r["t"]: r["h"] for r in await conn.fetch(" union all ".join(parts))}


def rows_hash(table: str, where: str = "true") -> str:
    """SQL for a hash of the rows of `table` that satisfy `where`."""
    return (
        f"select md5(coalesce(string_agg(x::text, '|' order by x::text), ''))"
        f" from public.{table} x where {where}"
    )
