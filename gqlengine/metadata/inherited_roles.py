"""Inherited roles (`inherited_roles.yaml`) with Hasura's rules; their operations: `inherited_roles_api`.

An inherited role gets, on each table where it has no permission of its own, the combination of its parent
roles' permissions (parents first, so a parent may itself be inherited):
- select: the union of the columns and computed fields, the parents' filters OR-ed, the largest limit,
  aggregations if any parent allows them. A column only some parents allow is given only on the rows those
  parents' filters admit and is null elsewhere (cell-level nulling), so it becomes nullable in the schema.
- insert/update/delete: inherited only when every parent that has one has the same permission; parents
  that disagree leave the role without it and report an inconsistency, until the role gets its own.
- actions and functions: allowed when any parent is allowed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from gqlengine.metadata import model as md

ConflictType = "inherited role permission inconsistency"


def ordered(roles: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """The inherited roles with every parent before its children, and the cycles found."""
    order: list[str] = []
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(role: str, stack: list[str]) -> None:
        if state.get(role) == 2 or role not in roles:
            return
        if state.get(role) == 1:
            cycle = [*stack[stack.index(role) :], role]
            cycles.append(cycle)
            return
        state[role] = 1
        for parent in roles[role]:
            visit(parent, [*stack, role])
        state[role] = 2
        order.append(role)

    for role in roles:
        visit(role, [])
    return order, cycles


def inherited(doc: Any) -> dict[str, list[str]]:
    return {
        str(r["role_name"]): [str(p) for p in r.get("role_set") or []]
        for r in doc.get("inherited_roles") or []
    }


def known_roles(doc: Any) -> set[str]:
    roles = {"admin"}
    for src in doc.get("sources") or []:
        for t in src.get("tables") or []:
            for kind in ("select", "insert", "update", "delete"):
                roles.update(p["role"] for p in t.get(f"{kind}_permissions") or [])
        for f in src.get("functions") or []:
            roles.update(p["role"] for p in f.get("permissions") or [])
    for a in doc.get("actions") or []:
        roles.update(p["role"] for p in a.get("permissions") or [])
    roles.update(inherited(doc))
    return roles


def cycle_message(cycles: list[list[str]]) -> str:
    return "found cycle(s) in roles: " + ", ".join(json.dumps(c) for c in cycles)


def _and(a: Any, b: Any) -> Any:
    if not a:
        return b or {}
    if not b:
        return a
    return {"_and": [a, b]}


def _or(filters: list[Any]) -> Any:
    if any(not f for f in filters):
        return {}
    return filters[0] if len(filters) == 1 else {"_or": filters}


def _combine_select(t: md.TrackedTable, parents: list[md.SelectPermission]) -> md.SelectPermission:
    def allowed_by(name: str, field: str) -> list[Any]:
        return [_and(p.filter, p.column_filters.get(name)) for p in parents if name in getattr(p, field)]

    columns = [c for c in t.table.columns if any(c in p.columns for p in parents)]
    computed = [c for c in t.computed_fields if any(c in p.computed_fields for p in parents)]
    conditions: dict[str, Any] = {}
    for name, field in [(c, "columns") for c in columns] + [(c, "computed_fields") for c in computed]:
        holders = [p for p in parents if name in getattr(p, field)]
        if len(holders) < len(parents) or any(name in p.column_filters for p in holders):
            conditions[name] = _or(allowed_by(name, field))
    limits = [p.limit for p in parents]
    roots = [p.root_fields for p in parents]
    subs = [p.subscription_root_fields for p in parents]
    return md.SelectPermission(
        columns=columns,
        computed_fields=computed,
        filter=_or([p.filter for p in parents]),
        limit=None if any(lim is None for lim in limits) else max(lim for lim in limits if lim is not None),
        allow_aggregations=any(p.allow_aggregations for p in parents),
        root_fields=None
        if any(r is None for r in roots)
        else set().union(*[r for r in roots if r is not None]),
        subscription_root_fields=None
        if any(s is None for s in subs)
        else set().union(*[s for s in subs if s is not None]),
        column_filters=conditions,
    )


def _conflict(role: str, kind: str, t: md.TrackedTable, source: str = "default") -> dict[str, Any]:
    table = t.name if t.schema == "public" else f"{t.schema}.{t.name}"
    return {
        "reason": f"Could not inherit permission for the role '{role}' for the entity: "
        f"'{kind} permission, table: {table}, source: '{source}''",
        "name": role,
        "type": ConflictType,
        "entity": {"permission_type": kind, "source": source, "table": table},
    }


def apply(doc: Any, model: md.Model) -> list[Any]:
    """Give the model's tables, actions and functions the inherited roles' permissions; the problems found."""
    roles = inherited(doc)
    if not roles:
        return []
    problems: list[Any] = []
    order, cycles = ordered(roles)
    if cycles:
        return [
            {
                "definition": {"role_name": c[0], "role_set": roles[c[0]]},
                "reason": cycle_message(cycles),
                "name": f"inherited_role {c[0]}",
                "type": "inherited_role",
            }
            for c in cycles[:1]
        ]
    known = known_roles(doc)
    usable = []
    for role in order:
        missing = [p for p in roles[role] if p not in known]
        if missing:
            problems.append(
                {
                    "definition": {"role_name": role, "role_set": roles[role]},
                    "reason": "Inconsistent object: the following parent role(s) are not found: "
                    + ", ".join(missing),
                    "name": f"inherited_role {role}",
                    "type": "inherited_role",
                }
            )
        else:
            usable.append(role)
    for t in model.tables.values():
        for role in usable:
            if role not in t.select:
                parents = [t.select[p] for p in roles[role] if p in t.select]
                if parents:
                    t.select[role] = _combine_select(t, parents)
            for kind, perms in t.mutations.items():
                if role in perms:
                    continue
                given = [perms[p] for p in roles[role] if p in perms]
                if not given:
                    continue
                if all(g == given[0] for g in given):
                    perms[role] = copy.deepcopy(given[0])
                else:
                    problems.append(_conflict(role, kind, t))
    for role in usable:
        for a in model.actions.values():
            if role not in a.roles and any(p in a.roles for p in roles[role]):
                a.roles.add(role)
        for f in model.functions.values():
            if role not in f.roles and any(p in f.roles for p in roles[role]):
                f.roles.add(role)
    return problems
