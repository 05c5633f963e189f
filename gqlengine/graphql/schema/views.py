"""What a role sees of each table (`TableView`), the root fields and the finished `RoleSchema` the compiler
reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema

from gqlengine.metadata.model import Model, SelectPermission, TrackedTable

ADMIN = "admin"


@dataclass
class TableView:
    """A table as one role sees it."""

    tracked: TrackedTable
    perm: SelectPermission  # admin gets an all-columns permission with an empty filter
    columns: list[str]
    computed: list[str]
    relationships: list[str]  # relationship names whose target the role can select
    computed_sets: list[str] = field(default_factory=list)  # set-returning computed fields (rows of a table)

    @property
    def selectable(self) -> bool:
        """Whether the role's object type for this table has any field at all."""
        return bool(self.columns or self.computed or self.relationships or self.computed_sets)


@dataclass
class RootField:
    kind: str  # select | select_by_pk | select_aggregate | action | function | function_aggregate | ...
    table: tuple[str, str] | None = None
    action: str | None = None
    function: str | None = None


@dataclass
class RoleSchema:
    role: str
    schema: GraphQLSchema
    views: dict[tuple[str, str], TableView]
    query_fields: dict[str, RootField] = field(default_factory=dict)
    mutation_fields: dict[str, RootField] = field(default_factory=dict)
    subscription_fields: dict[str, RootField] = field(default_factory=dict)
    # (table, insert|update|delete) → the role's permission: columns, filter, check, set
    mutation_perms: dict[tuple[tuple[str, str], str], dict[str, Any]] = field(default_factory=dict)


def mutation_perms(t: TrackedTable, role: str, backend: bool = False) -> dict[str, dict[str, Any]]:
    """The role's insert/update/delete permissions with `columns` expanded; admin may do everything.
    A `backend_only` permission counts only for `backend` requests (admin secret + Hasura's header)."""
    if role == ADMIN:
        cols = list(t.table.columns)
        return {
            k: {"columns": cols, "filter": {}, "check": {}, "set": {}} for k in ("insert", "update", "delete")
        }
    out: dict[str, dict[str, Any]] = {}
    for kind, perms in t.mutations.items():
        p = perms.get(role)
        if p is None or (p.get("backend_only") and not backend):
            continue
        # An insert permission without `columns` allows every column (Hasura's default for it).
        cols = p.get("columns", "*" if kind == "insert" else []) or []
        cols = list(t.table.columns) if cols == "*" else [c for c in t.table.columns if c in cols]
        preset = dict(p.get("set") or {})
        out[kind] = {
            "columns": [c for c in cols if c not in preset],
            "filter": p.get("filter") or {},
            "check": p.get("check") or {},
            "set": preset,
            "backend_only": bool(p.get("backend_only", False)),
        }
    return out


def _admin_perm(t: TrackedTable) -> SelectPermission:
    return SelectPermission(list(t.table.columns), list(t.computed_fields), {}, None, True, None)


def role_views(model: Model, role: str) -> dict[tuple[str, str], TableView]:
    views: dict[tuple[str, str], TableView] = {}
    for key, t in model.tables.items():
        perm = _admin_perm(t) if role == ADMIN else t.select.get(role)
        if perm is None:
            continue
        # Computed fields returning rows of a table need not be listed: the select permission on that table
        # decides (Hasura); scalar ones must be listed in the permission.
        computed = [
            c for c in t.computed_fields if c in perm.computed_fields or t.computed_fields[c].returns_table
        ]
        views[key] = TableView(t, perm, list(perm.columns), computed, [])
    for v in views.values():
        cfs = v.tracked.computed_fields
        v.computed_sets = [
            c
            for c in v.computed
            if (rt := cfs[c].returns_table) is not None and rt in views and views[rt].columns
        ]
        v.computed = [c for c in v.computed if cfs[c].returns_table is None]
        # A target the role may select but with no visible column has no object type to point at.
        v.relationships = [
            n
            for n, r in v.tracked.relationships.items()
            if r.target in views and (views[r.target].columns or views[r.target].computed)
        ]
    return views
