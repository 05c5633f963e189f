"""Citus's rules for a schema, checked on a plain PostgreSQL catalog (docs/citus.md is the plan).

A distributed table's rows live on the node that owns their distribution value, so every primary key and
unique constraint (or unique index) of one must include its distribution column, and a foreign key between
two distributed tables must carry the distribution column on both sides (the rows then share a node).
Reference tables are copied to every node: distributed tables may point at them, never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class Placement:
    distributed: dict[str, str]  # table -> distribution column
    reference: frozenset[str]


async def violations(conn: asyncpg.Connection, placement: Placement) -> list[str]:
    tables = {
        r["name"]
        for r in await conn.fetch(
            """select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'p')"""
        )
    }
    columns = {
        (r["rel"], r["col"]): r["type"]
        for r in await conn.fetch(
            """select c.relname as rel, a.attname as col, format_type(a.atttypid, a.atttypmod) as type
               from pg_attribute a join pg_class c on c.oid = a.attrelid
               join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped"""
        )
    }
    # Primary keys, unique constraints and unique indexes, each with its columns (expressions: none).
    uniques = await conn.fetch(
        """select c.relname as rel, ic.relname as name,
                  array(select a.attname from unnest(i.indkey::int2[]) k(n)
                        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n) as cols
           from pg_index i join pg_class c on c.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
           join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and i.indisunique order by 1, 2"""
    )
    foreign_keys = await conn.fetch(
        """select c.relname as rel, k.conname as name, r.relname as ref,
                  array(select a.attname from unnest(k.conkey) with ordinality u(n, o)
                        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o)
                    as cols,
                  array(select a.attname from unnest(k.confkey) with ordinality u(n, o)
                        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o)
                    as ref_cols
           from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
           join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and k.contype = 'f' order by 1, 2"""
    )
    dist, ref = placement.distributed, placement.reference
    out: list[str] = []
    for table in sorted(tables - set(dist) - ref):
        out.append(f"{table}: placed nowhere (neither distributed nor reference)")
    for table in sorted(set(dist) & ref):
        out.append(f"{table}: placed twice")
    types = {columns.get((t, c)) for t, c in dist.items() if t in tables}
    if len(types) > 1:
        out.append(f"distribution columns differ in type ({sorted(map(str, types))}): no co-location")
    for table, column in sorted(dist.items()):
        if table in tables and (table, column) not in columns:
            out.append(f"{table}: has no distribution column {column}")
    for u in uniques:
        if u["rel"] in dist and dist[u["rel"]] not in u["cols"]:
            out.append(f"{u['rel']}: unique {u['name']} ({', '.join(u['cols'])}) lacks {dist[u['rel']]}")
    for fk in foreign_keys:
        what = f"{fk['rel']}: foreign key {fk['name']} ({', '.join(fk['cols'])}) -> {fk['ref']}"
        if fk["rel"] in ref and fk["ref"] in dist:
            out.append(f"{what}: a reference table may not point at a distributed one")
        elif fk["rel"] in dist and fk["ref"] in dist:
            pair = (dist[fk["rel"]], dist[fk["ref"]])
            if pair not in zip(fk["cols"], fk["ref_cols"], strict=True):
                out.append(f"{what} ({', '.join(fk['ref_cols'])}): does not carry {pair[0]} to {pair[1]}")
    return out
