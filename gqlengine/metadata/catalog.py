"""What the database holds: tables and views, their columns, keys and foreign keys, and functions.

One introspection query set per (re)load; the schema builder and the metadata checker read only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg


@dataclass
class Column:
    name: str
    pg_type: str  # the type name as `format_type` prints it without modifiers' details (e.g. "numeric")
    udt: str  # pg_type.typname ("int4", "_text", "numeric", ...)
    nullable: bool
    has_default: bool
    position: int
    comment: str | None = None  # COMMENT ON COLUMN: Hasura's default description of the field


@dataclass
class ForeignKey:
    name: str
    table: tuple[str, str]
    columns: list[str]
    ref_table: tuple[str, str]
    ref_columns: list[str]


@dataclass
class Table:
    schema: str
    name: str
    kind: str  # r (table), v (view), m (materialized view), p (partitioned), f (foreign)
    # pg_relation_is_updatable: 8 insert, 4 update, 16 delete (an auto-updatable view or one with triggers)
    updatable: int = 28
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    unique_constraints: dict[str, list[str]] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    comment: str | None = None  # COMMENT ON TABLE: Hasura's default description of the object type


@dataclass
class Function:
    schema: str
    name: str
    arg_types: list[tuple[str, str]]  # (schema, type name) per input argument
    arg_names: list[str]
    return_type: tuple[str, str]
    returns_set: bool
    volatility: str
    defaults: int = 0  # the last `defaults` input arguments have default values
    comment: str | None = None  # COMMENT ON FUNCTION: a computed field's default description


@dataclass
class Catalog:
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    functions: dict[tuple[str, str], list[Function]] = field(default_factory=dict)

    def table(self, schema: str, name: str) -> Table | None:
        return self.tables.get((schema, name))


_TABLES = """
select n.nspname as schema, c.relname as name, c.relkind::text as kind,
       pg_relation_is_updatable(c.oid::regclass, true) as updatable,
       obj_description(c.oid, 'pg_class') as comment
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r','v','m','p','f')
  and n.nspname not in ('pg_catalog','information_schema','hdb_catalog','pg_toast')
"""

_COLUMNS = """
select n.nspname as schema, c.relname as table, a.attname as name, a.attnum as position,
       t.typname as udt, not a.attnotnull as nullable,
       (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as has_default,
       format_type(a.atttypid, null) as pg_type,
       bt.typname as base_udt,
       col_description(c.oid, a.attnum) as comment
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r','v','m','p','f')
  and n.nspname not in ('pg_catalog','information_schema','hdb_catalog','pg_toast')
order by a.attnum
"""

_CONSTRAINTS = """
select n.nspname as schema, c.relname as table, con.conname as name, con.contype::text as type,
       array(select a.attname from unnest(con.conkey) with ordinality k(attnum, i)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
             order by k.i) as columns,
       rn.nspname as ref_schema, rc.relname as ref_table,
       array(select a.attname from unnest(con.confkey) with ordinality k(attnum, i)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.i)
         as ref_columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class rc on rc.oid = con.confrelid
left join pg_namespace rn on rn.oid = rc.relnamespace
where con.contype in ('p','u','f')
  and n.nspname not in ('pg_catalog','information_schema','hdb_catalog')
"""

_FUNCTIONS = """
select n.nspname as schema, p.proname as name,
       array(select tn.nspname || '.' || t.typname from unnest(p.proargtypes::oid[]) with ordinality a(oid, i)
             join pg_type t on t.oid = a.oid join pg_namespace tn on tn.oid = t.typnamespace order by a.i)
         as arg_types,
       coalesce(p.proargnames, '{}') as arg_names,
       rn.nspname as ret_schema, rt.typname as ret_type, p.proretset as returns_set,
       p.provolatile::text as volatility, p.pronargdefaults as defaults,
       obj_description(p.oid, 'pg_proc') as comment
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
join pg_namespace rn on rn.oid = rt.typnamespace
where n.nspname not in ('pg_catalog','information_schema','hdb_catalog') and p.prokind = 'f'
"""


def _castable(pg_type: str) -> str:
    """A type name values can be cast to without losing data: without its modifier, `character` means
    char(1) and `bit` means bit(1), so they become `bpchar` and `varbit` (the column keeps its length)."""
    for short, unbounded in (("character", "bpchar"), ("bit", "varbit")):
        if pg_type == short or pg_type == f"{short}[]":
            return unbounded + pg_type[len(short) :]
    return pg_type


async def introspect(conn: asyncpg.Connection) -> Catalog:
    cat = Catalog()
    for r in await conn.fetch(_TABLES):
        cat.tables[(r["schema"], r["name"])] = Table(
            r["schema"], r["name"], r["kind"], updatable=r["updatable"], comment=r["comment"]
        )
    for r in await conn.fetch(_COLUMNS):
        t = cat.tables.get((r["schema"], r["table"]))
        if t is None:
            continue
        udt = r["base_udt"] or r["udt"]
        t.columns[r["name"]] = Column(
            r["name"],
            _castable(r["pg_type"]),
            udt,
            r["nullable"],
            r["has_default"],
            r["position"],
            r["comment"],
        )
    for r in await conn.fetch(_CONSTRAINTS):
        t = cat.tables.get((r["schema"], r["table"]))
        if t is None:
            continue
        cols = list(r["columns"])
        if r["type"] == "p":
            t.primary_key = cols
            t.unique_constraints[r["name"]] = cols
        elif r["type"] == "u":
            t.unique_constraints[r["name"]] = cols
        else:
            t.foreign_keys.append(
                ForeignKey(
                    r["name"],
                    (r["schema"], r["table"]),
                    cols,
                    (r["ref_schema"], r["ref_table"]),
                    list(r["ref_columns"]),
                )
            )
    for r in await conn.fetch(_FUNCTIONS):
        args = [tuple(a.split(".", 1)) for a in r["arg_types"]]
        fn = Function(
            r["schema"],
            r["name"],
            args,  # type: ignore[arg-type]
            list(r["arg_names"]),
            (r["ret_schema"], r["ret_type"]),
            r["returns_set"],
            r["volatility"],
            r["defaults"],
            r["comment"],
        )
        cat.functions.setdefault((r["schema"], r["name"]), []).append(fn)
    return cat
