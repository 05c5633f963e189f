"""The permissions hasura/metadata actually grants, per table, role and operation, in matrix form.

Read through gqlengine's own metadata loader (the `!include` rules of the Hasura CLI), then normalized so
equal permissions compare equal however they are written. Inherited roles (inherited_roles.yaml) are
resolved as Hasura resolves them: a select is the union of the parents' (columns united, filters OR-ed,
the largest limit); an insert, update or delete is inherited only when every parent that has one has the
same; a permission written on the inherited role itself wins.
"""

from __future__ import annotations

from typing import Any

from devdb.project import metadata_dir
from gqlengine.metadata import model as md

JSON = Any
OPERATIONS = ("select", "insert", "update", "delete")
# Parents of an inherited role disagree on a mutation: Hasura marks the role inconsistent.
CONFLICT = {"conflict": "parent roles disagree; Hasura needs an explicit permission"}


def table_name(ref: JSON) -> str:
    schema, name = md.table_key(ref)
    return name if schema == "public" else f"{schema}.{name}"


def normalize(op: str, permission: JSON) -> dict[str, JSON]:
    p = permission or {}
    columns = p.get("columns", [])
    columns = "*" if columns == "*" else sorted(columns or [])
    if op == "select":
        out = {
            "columns": columns,
            "computed_fields": sorted(p.get("computed_fields") or []),
            "filter": p.get("filter") or {},
            "limit": p.get("limit"),
            "allow_aggregations": bool(p.get("allow_aggregations", False)),
        }
        for key in ("query_root_fields", "subscription_root_fields"):
            if p.get(key) is not None:
                out[key] = sorted(p[key])
        return out
    if op == "insert":
        out = {"columns": columns, "check": p.get("check") or {}, "set": p.get("set") or {}}
    elif op == "update":
        out = {
            "columns": columns,
            "filter": p.get("filter") or {},
            "check": p.get("check") or {},
            "set": p.get("set") or {},
        }
    else:
        out = {"filter": p.get("filter") or {}}
    if p.get("backend_only"):
        out["backend_only"] = True
    return out


def _inherit_select(parents: list[dict[str, JSON]]) -> dict[str, JSON]:
    filters: list[JSON] = []
    for p in parents:
        if p["filter"] not in filters:
            filters.append(p["filter"])
    limits = [p["limit"] for p in parents]
    return {
        "columns": sorted({c for p in parents for c in p["columns"]}),
        "computed_fields": sorted({c for p in parents for c in p["computed_fields"]}),
        "filter": filters[0] if len(filters) == 1 else {"_or": filters},
        "limit": None if None in limits else max(limits),
        "allow_aggregations": any(p["allow_aggregations"] for p in parents),
    }


def _resolve(
    role: str,
    direct: dict[str, dict[str, JSON]],
    inherited: dict[str, list[str]],
    seen: tuple[str, ...] = (),
) -> dict[str, JSON]:
    """Operation -> permission of `role` on one table (`direct`: role -> operation -> permission)."""
    if role not in inherited:
        return dict(direct.get(role, {}))
    if role in seen:
        raise ValueError(f"inherited role cycle through {role}")
    parents = [_resolve(r, direct, inherited, (*seen, role)) for r in inherited[role]]
    out: dict[str, JSON] = {}
    for op in OPERATIONS:
        if op in direct.get(role, {}):
            out[op] = direct[role][op]
            continue
        given = [p[op] for p in parents if op in p]
        if not given:
            continue
        if op == "select":
            out[op] = _inherit_select(given)
        else:
            out[op] = given[0] if all(g == given[0] for g in given) else CONFLICT
    return out


def inherited_roles(doc: JSON) -> dict[str, list[str]]:
    return {r["role_name"]: list(r["role_set"]) for r in doc.get("inherited_roles") or []}


def grants(doc: JSON | None = None) -> dict[str, dict[str, dict[str, JSON]]]:
    """table -> role -> operation -> normalized permission, inherited roles resolved."""
    doc = md.load_directory(metadata_dir()) if doc is None else doc
    inherited = inherited_roles(doc)
    out: dict[str, dict[str, dict[str, JSON]]] = {}
    for source in doc.get("sources") or []:
        for entry in source.get("tables") or []:
            direct: dict[str, dict[str, JSON]] = {}
            for op in OPERATIONS:
                for perm in entry.get(f"{op}_permissions") or []:
                    direct.setdefault(perm["role"], {})[op] = normalize(op, perm.get("permission"))
            roles = set(direct) | set(inherited)
            resolved = {r: _resolve(r, direct, inherited) for r in sorted(roles)}
            out[table_name(entry["table"])] = {r: ops for r, ops in resolved.items() if ops}
    return out


def action_roles(doc: JSON | None = None) -> dict[str, list[str]]:
    """action -> the roles (besides admin) that may call it; an inherited role may if a parent may."""
    doc = md.load_directory(metadata_dir()) if doc is None else doc
    inherited = inherited_roles(doc)

    def may(role: str, direct: set[str], seen: tuple[str, ...] = ()) -> bool:
        if role in direct:
            return True
        return role not in seen and any(may(p, direct, (*seen, role)) for p in inherited.get(role, []))

    out: dict[str, list[str]] = {}
    for action in doc.get("actions") or []:
        direct = {p["role"] for p in action.get("permissions") or []}
        out[action["name"]] = sorted(r for r in direct | set(inherited) if may(r, direct))
    return out
