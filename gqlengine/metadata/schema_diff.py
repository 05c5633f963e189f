"""Keep metadata true to the database across `run_sql`, as Hasura does.

Before the SQL runs, the tracked tables (with their columns) and functions are identified by OID and column
number; afterwards they are looked up again by the same numbers. A table or column whose number is gone was
dropped, one whose name changed was renamed. Dropped tables and functions leave the metadata; renames are
carried into every place that names them. Objects of other tables that depend on something dropped
(relationships, permissions, computed fields) are removed only with `cascade: true`; otherwise the request
fails with Hasura's dependency error and the SQL is rolled back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from gqlengine.metadata import model as md

# Hasura only diffs the schema when the SQL may change it (its `isSchemaCacheBuildRequiredRunSQL`).
_DDL = re.compile(r"\balter\b|\bdrop\b|\breplace\b|\bcreate function\b|\bcomment on\b", re.IGNORECASE)

Key = tuple[str, str]
_LOGICAL = ("_and", "_or", "_not")
_PERMISSIONS = ("select", "insert", "update", "delete")


def needs_diff(sql: str, check: bool | None) -> bool:
    return check if check is not None else bool(_DDL.search(sql))


@dataclass
class Snapshot:
    tables: dict[int, tuple[Key, dict[int, str]]] = field(default_factory=dict)  # oid → (name, attnum → col)
    functions: dict[int, Key] = field(default_factory=dict)


_TABLES_BY_NAME = """
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, a.attnum as num, a.attname as col
from pg_class c join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where (n.nspname, c.relname) in (select * from unnest($1::text[], $2::text[]))
"""
_TABLES_BY_OID = """
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, a.attnum as num, a.attname as col
from pg_class c join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where c.oid = any($1::int8[]::oid[])
"""
_FUNCTIONS_BY_NAME = """
select p.oid::int8 as oid, n.nspname as schema, p.proname as name
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where (n.nspname, p.proname) in (select * from unnest($1::text[], $2::text[]))
"""
_FUNCTIONS_BY_OID = """
select p.oid::int8 as oid, n.nspname as schema, p.proname as name
from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.oid = any($1::int8[]::oid[])
"""


def _source(doc: Any, name: str) -> dict[str, Any] | None:
    return next((s for s in doc.get("sources") or [] if s.get("name") == name), None)


def _function_keys(src: dict[str, Any]) -> list[Key]:
    keys = [md.table_key(f["function"]) for f in src.get("functions") or []]
    for t in src.get("tables") or []:
        for cf in t.get("computed_fields") or []:
            fn = (cf.get("definition") or {}).get("function")
            if fn:
                keys.append(md.table_key(fn))
    return keys


def _snapshot(table_rows: list[Any], function_rows: list[Any]) -> Snapshot:
    snap = Snapshot()
    for r in table_rows:
        entry = snap.tables.setdefault(r["oid"], ((r["schema"], r["name"]), {}))
        if r["num"] is not None:
            entry[1][r["num"]] = r["col"]
    for r in function_rows:
        snap.functions[r["oid"]] = (r["schema"], r["name"])
    return snap


async def before(conn: asyncpg.Connection, doc: Any, source: str = "default") -> Snapshot:
    src = _source(doc, source)
    if src is None:
        return Snapshot()
    tables = [md.table_key(t["table"]) for t in src.get("tables") or []]
    functions = _function_keys(src)
    t_rows = await conn.fetch(_TABLES_BY_NAME, [s for s, _ in tables], [n for _, n in tables])
    f_rows = await conn.fetch(_FUNCTIONS_BY_NAME, [s for s, _ in functions], [n for _, n in functions])
    return _snapshot(t_rows, f_rows)


async def after(conn: asyncpg.Connection, snap: Snapshot) -> Snapshot:
    t_rows = await conn.fetch(_TABLES_BY_OID, list(snap.tables))
    f_rows = await conn.fetch(_FUNCTIONS_BY_OID, list(snap.functions))
    return _snapshot(t_rows, f_rows)


class DependencyError(Exception):
    pass


def _qualified(key: Key) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


def _in_source(text: str, source: str) -> str:
    return f'{text} in source "{source}"'


@dataclass
class _Diff:
    dropped_tables: set[Key] = field(default_factory=set)
    renamed_tables: dict[Key, Key] = field(default_factory=dict)
    dropped_columns: dict[Key, set[str]] = field(default_factory=dict)  # by the table's old name
    renamed_columns: dict[Key, dict[str, str]] = field(default_factory=dict)
    dropped_functions: set[Key] = field(default_factory=set)

    def empty(self) -> bool:
        return not (
            self.dropped_tables
            or self.renamed_tables
            or self.dropped_columns
            or self.renamed_columns
            or self.dropped_functions
        )


def diff(old: Snapshot, new: Snapshot) -> _Diff:
    d = _Diff()
    for oid, (key, cols) in old.tables.items():
        if oid not in new.tables:
            d.dropped_tables.add(key)
            continue
        new_key, new_cols = new.tables[oid]
        if new_key != key:
            d.renamed_tables[key] = new_key
        dropped = {name for num, name in cols.items() if num not in new_cols}
        renamed = {
            name: new_cols[num] for num, name in cols.items() if num in new_cols and new_cols[num] != name
        }
        if dropped:
            d.dropped_columns[key] = dropped
        if renamed:
            d.renamed_columns[key] = renamed
    surviving = {new.functions[o] for o in old.functions if o in new.functions}
    d.dropped_functions = {k for o, k in old.functions.items() if o not in new.functions} - surviving
    return d


# ---------------------------------------------------------------- what refers to what


def _fk_columns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _rel_remote(
    rel: dict[str, Any], table: Key, fks: dict[Key, list[Any]]
) -> tuple[Key | None, list[str], list[str]]:
    """(remote table, own columns, remote columns) of a relationship."""
    using = rel.get("using") or {}
    fk = using.get("foreign_key_constraint_on")
    if isinstance(fk, dict):  # array relationship: the remote table's columns point here
        remote = md.table_key(fk["table"])
        return remote, [], _fk_columns(fk.get("columns", fk.get("column")))
    if fk is not None:  # object relationship over this table's foreign key
        cols = _fk_columns(fk)
        for key in fks.get(table, []):
            if key[0] == cols:
                return key[1], cols, []
        return None, cols, []
    manual = using.get("manual_configuration") or {}
    if manual:
        mapping = manual.get("column_mapping") or {}
        return md.table_key(manual["remote_table"]), list(mapping), list(mapping.values())
    return None, [], []


def _exp_refs(exp: Any, columns: set[str], tables: set[Key], names: set[str]) -> bool:
    """Whether a boolean expression names one of `columns`/`names` at its top level or `_exists` one of
    `tables`."""
    if isinstance(exp, list):
        return any(_exp_refs(e, columns, tables, names) for e in exp)
    if not isinstance(exp, dict):
        return False
    for k, v in exp.items():
        if k in _LOGICAL:
            if _exp_refs(v, columns, tables, names):
                return True
        elif k == "_exists":
            if isinstance(v, dict) and v.get("_table") and md.table_key(v["_table"]) in tables:
                return True
        elif k in columns or k in names:
            return True
    return False


def _rename_exp(
    exp: Any, table: Key, renames: dict[Key, dict[str, str]], rels: dict[Key, dict[str, Key]]
) -> Any:
    """The boolean expression over `table` with renamed columns, followed through relationships and
    `_exists` into the tables they reach."""
    if isinstance(exp, list):
        return [_rename_exp(e, table, renames, rels) for e in exp]
    if not isinstance(exp, dict):
        return exp
    mapping = renames.get(table, {})
    out: dict[str, Any] = {}
    for k, v in exp.items():
        if k in _LOGICAL:
            out[k] = _rename_exp(v, table, renames, rels)
        elif k == "_exists" and isinstance(v, dict) and v.get("_table"):
            out[k] = {**v, "_where": _rename_exp(v.get("_where"), md.table_key(v["_table"]), renames, rels)}
        elif k in rels.get(table, {}):
            out[k] = _rename_exp(v, rels[table][k], renames, rels)
        else:
            out[mapping[k] if k in mapping else k] = v
    return out


def _rename_exists(exp: Any, old: Key, new: Key) -> Any:
    if isinstance(exp, list):
        return [_rename_exists(e, old, new) for e in exp]
    if not isinstance(exp, dict):
        return exp
    out: dict[str, Any] = {}
    for k, v in exp.items():
        if k == "_exists" and isinstance(v, dict) and v.get("_table") and md.table_key(v["_table"]) == old:
            out[k] = {**v, "_table": {"schema": new[0], "name": new[1]}}
        elif isinstance(v, dict | list):
            out[k] = _rename_exists(v, old, new)
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------- applying the diff


def apply(doc: Any, d: _Diff, fks: dict[Key, list[Any]], cascade: bool, source: str = "default") -> None:
    """Edit `doc` (a copy) to match the database; raises DependencyError when other objects depend on what
    was dropped and `cascade` is false."""
    src = _source(doc, source)
    if src is None or d.empty():
        return
    tables = src.get("tables") or []
    survivors = [t for t in tables if md.table_key(t["table"]) not in d.dropped_tables]
    dependents: list[str] = []
    removals: list[tuple[dict[str, Any], str, str]] = []  # (table entry, list key, object name)
    for t in survivors:
        key = md.table_key(t["table"])
        dropped_cols = d.dropped_columns.get(key, set())
        removed_rels: set[str] = set()
        removed_cfs: set[str] = set()
        for kind in ("object", "array"):
            for rel in t.get(f"{kind}_relationships") or []:
                remote, own, theirs = _rel_remote(rel, key, fks)
                gone = (remote in d.dropped_tables) or bool(set(own) & dropped_cols)
                if remote is not None and set(theirs) & d.dropped_columns.get(remote, set()):
                    gone = True
                if gone:
                    removed_rels.add(rel["name"])
                    removals.append((t, f"{kind}_relationships", rel["name"]))
                    dependents.append(_in_source(f"relationship {_qualified(key)}.{rel['name']}", source))
        for cf in t.get("computed_fields") or []:
            fn = (cf.get("definition") or {}).get("function")
            if fn and md.table_key(fn) in d.dropped_functions:
                removed_cfs.add(cf["name"])
                removals.append((t, "computed_fields", cf["name"]))
                dependents.append(_in_source(f"computed field {_qualified(key)}.{cf['name']}", source))
        for kind in _PERMISSIONS:
            for p in t.get(f"{kind}_permissions") or []:
                perm = p.get("permission") or {}
                cols = perm.get("columns")
                uses = (isinstance(cols, list) and bool(set(cols) & dropped_cols)) or bool(
                    set(perm.get("computed_fields") or []) & removed_cfs
                )
                uses = uses or bool(set(perm.get("set") or {}) & dropped_cols)
                for exp_key in ("filter", "check"):
                    if _exp_refs(
                        perm.get(exp_key), dropped_cols, d.dropped_tables, removed_rels | removed_cfs
                    ):
                        uses = True
                if uses:
                    removals.append((t, f"{kind}_permissions", p["role"]))
                    dependents.append(_in_source(f"permission {_qualified(key)}.{p['role']}.{kind}", source))
    if dependents and not cascade:
        raise DependencyError(
            "cannot drop due to the following dependent objects: " + ", ".join(sorted(set(dependents)))
        )
    for t, list_key, name in removals:
        field_name = "role" if list_key.endswith("_permissions") else "name"
        t[list_key] = [x for x in t.get(list_key) or [] if x.get(field_name) != name]
        if not t[list_key]:
            del t[list_key]
    src["tables"] = survivors
    src["functions"] = [
        f for f in src.get("functions") or [] if md.table_key(f["function"]) not in d.dropped_functions
    ]
    if not src["functions"]:
        del src["functions"]
    for key, cols in d.dropped_columns.items():
        _forget_columns(survivors, key, cols)
    if d.renamed_columns:
        rels = _relationship_targets(survivors, fks)
        for t in survivors:
            key = md.table_key(t["table"])
            for kind in _PERMISSIONS:
                for p in t.get(f"{kind}_permissions") or []:
                    perm = p.get("permission") or {}
                    for exp_key in ("filter", "check"):
                        if exp_key in perm:
                            perm[exp_key] = _rename_exp(perm[exp_key], key, d.renamed_columns, rels)
        for key, mapping in d.renamed_columns.items():
            _rename_columns(survivors, key, mapping)
    for old, new in d.renamed_tables.items():
        _rename_table(survivors, old, new)


def _relationship_targets(
    tables: list[dict[str, Any]], fks: dict[Key, list[Any]]
) -> dict[Key, dict[str, Key]]:
    out: dict[Key, dict[str, Key]] = {}
    for t in tables:
        key = md.table_key(t["table"])
        for kind in ("object", "array"):
            for rel in t.get(f"{kind}_relationships") or []:
                remote = _rel_remote(rel, key, fks)[0]
                if remote is not None:
                    out.setdefault(key, {})[rel["name"]] = remote
    return out


def _entry(tables: list[dict[str, Any]], key: Key) -> dict[str, Any] | None:
    return next((t for t in tables if md.table_key(t["table"]) == key), None)


def _forget_columns(tables: list[dict[str, Any]], key: Key, cols: set[str]) -> None:
    t = _entry(tables, key)
    config = (t or {}).get("configuration") or {}
    for k in ("column_config", "custom_column_names"):
        if isinstance(config.get(k), dict):
            config[k] = {c: v for c, v in config[k].items() if c not in cols}


def _rename_columns(tables: list[dict[str, Any]], key: Key, mapping: dict[str, str]) -> None:
    def rename_list(value: Any) -> Any:
        if isinstance(value, str):
            return mapping.get(value, value)
        if isinstance(value, list):
            return [mapping.get(v, v) for v in value]
        return value

    t = _entry(tables, key)
    if t is not None:
        for kind in _PERMISSIONS:
            for p in t.get(f"{kind}_permissions") or []:
                perm = p.get("permission") or {}
                if isinstance(perm.get("columns"), list):
                    perm["columns"] = rename_list(perm["columns"])
                if isinstance(perm.get("set"), dict):
                    perm["set"] = {mapping.get(c, c): v for c, v in perm["set"].items()}
        for rel in t.get("object_relationships") or []:
            using = rel.get("using") or {}
            fk = using.get("foreign_key_constraint_on")
            if isinstance(fk, str | list):
                using["foreign_key_constraint_on"] = rename_list(fk)
        config = t.get("configuration") or {}
        for k in ("column_config", "custom_column_names"):
            if isinstance(config.get(k), dict):
                config[k] = {mapping.get(c, c): v for c, v in config[k].items()}
    for other in tables:
        own = md.table_key(other["table"]) == key
        for kind in ("object", "array"):
            for rel in other.get(f"{kind}_relationships") or []:
                using = rel.get("using") or {}
                fk = using.get("foreign_key_constraint_on")
                if isinstance(fk, dict) and md.table_key(fk["table"]) == key:
                    for k in ("column", "columns"):
                        if k in fk:
                            fk[k] = rename_list(fk[k])
                manual = using.get("manual_configuration") or {}
                if manual:
                    cm = manual.get("column_mapping") or {}
                    if own:
                        cm = {mapping.get(c, c): v for c, v in cm.items()}
                    if md.table_key(manual["remote_table"]) == key:
                        cm = {c: mapping.get(v, v) for c, v in cm.items()}
                    manual["column_mapping"] = cm


def _rename_table(tables: list[dict[str, Any]], old: Key, new: Key) -> None:
    ref = {"schema": new[0], "name": new[1]}
    for t in tables:
        if md.table_key(t["table"]) == old:
            t["table"] = dict(ref)
        for kind in ("object", "array"):
            for rel in t.get(f"{kind}_relationships") or []:
                using = rel.get("using") or {}
                fk = using.get("foreign_key_constraint_on")
                if isinstance(fk, dict) and md.table_key(fk["table"]) == old:
                    fk["table"] = dict(ref)
                manual = using.get("manual_configuration") or {}
                if manual and md.table_key(manual["remote_table"]) == old:
                    manual["remote_table"] = dict(ref)
        for kind in _PERMISSIONS:
            for p in t.get(f"{kind}_permissions") or []:
                perm = p.get("permission") or {}
                for exp_key in ("filter", "check"):
                    if exp_key in perm:
                        perm[exp_key] = _rename_exists(perm[exp_key], old, new)
