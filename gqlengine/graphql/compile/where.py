"""Boolean expressions to SQL: `where` arguments, permission filters (with session variables), relationship
and aggregate predicates, and the comparison operators."""

from __future__ import annotations

from typing import Any

from gqlengine.graphql.compile.base import CompilerBase
from gqlengine.graphql.compile.plan import GQLError, NonNullVar, Var, is_session_var, q, qt
from gqlengine.graphql.schema import ADMIN, TableView, scalar_name
from gqlengine.metadata.model import TrackedTable, table_key

_CMP = {"_eq": "=", "_neq": "<>", "_ne": "<>", "_gt": ">", "_lt": "<", "_gte": ">=", "_lte": "<="}

_TEXT_OPS = {
    "_like": "LIKE",
    "_nlike": "NOT LIKE",
    "_ilike": "ILIKE",
    "_nilike": "NOT ILIKE",
    "_similar": "SIMILAR TO",
    "_nsimilar": "NOT SIMILAR TO",
    "_regex": "~",
    "_iregex": "~*",
    "_nregex": "!~",
    "_niregex": "!~*",
}

_COL_CMP = {"_ceq": "=", "_cne": "<>", "_cneq": "<>", "_cgt": ">", "_clt": "<", "_cgte": ">=", "_clte": "<="}


class WhereCompiler(CompilerBase):
    """Boolean expressions: `where`, permission filters, aggregate predicates."""

    def perm_filter(self, view: TableView, alias: str) -> str:
        if self.rs.role == ADMIN or not view.perm.filter:
            return "true"
        return self.bool_exp(view.perm.filter, view.tracked, alias, perm=True, root_alias=alias)

    def bool_exp(
        self, exp: Any, t: TrackedTable, alias: str, perm: bool, root_alias: str, path: str = "$"
    ) -> str:
        """`path` locates a GraphQL `where` in the request, for Hasura's error paths."""
        exp = self.resolve(exp)
        if not exp:
            return "true"
        parts: list[str] = []
        for key, value in exp.items():
            value = self.resolve(value)
            k = "_" + key[1:] if perm and key.startswith("$") else key
            if k in ("_and", "_or"):
                items = value if isinstance(value, list) else [value]
                subs = [
                    self.bool_exp(v, t, alias, perm, root_alias, f"{path}.{key}[{i}]")
                    for i, v in enumerate(items)
                ]
                if not subs:
                    parts.append("true" if k == "_and" else "false")
                else:
                    parts.append("(" + (" AND " if k == "_and" else " OR ").join(subs) + ")")
            elif k == "_not":
                parts.append(f"NOT ({self.bool_exp(value, t, alias, perm, root_alias, f'{path}._not')})")
            elif k == "_exists":
                target_key = table_key(value["_table"])
                target = self.model.tables[target_key]
                ta = self.alias()
                inner = self.bool_exp(value.get("_where") or {}, target, ta, perm, root_alias)
                if not perm:
                    view = self.rs.views.get(target_key)
                    inner = f"{inner} AND {self.perm_filter(view, ta)}" if view else "false"
                parts.append(f"EXISTS (SELECT 1 FROM {qt(target_key)} AS {ta} WHERE {inner})")
            elif key in t.table.columns:
                c = t.table.columns[key]
                parts.append(
                    self.comparison(
                        f"{alias}.{q(key)}",
                        c.pg_type,
                        c.udt,
                        value,
                        perm,
                        t,
                        alias,
                        root_alias,
                        f"{path}.{key}",
                    )
                )
            elif key in t.computed_fields and t.computed_fields[key].returns_table is None:
                cf = t.computed_fields[key]
                parts.append(
                    self.comparison(
                        self.function_call(cf, alias),
                        cf.return_udt,
                        cf.return_udt,
                        value,
                        perm,
                        t,
                        alias,
                        root_alias,
                        f"{path}.{key}",
                    )
                )
            elif key in t.computed_fields and (rows_of := t.computed_fields[key].returns_table) is not None:
                # Rows of a table from a function: true when one of them matches, like an array relationship.
                cf = t.computed_fields[key]
                target = self.model.tables[rows_of]
                ta = self.alias()
                conds = []
                if not perm:
                    view = self.rs.views.get(rows_of)
                    conds.append(self.perm_filter(view, ta) if view else "false")
                conds.append(self.bool_exp(value, target, ta, perm, root_alias, f"{path}.{key}"))
                rows = self.function_call(cf, alias)
                parts.append(f"EXISTS (SELECT 1 FROM {rows} AS {ta} WHERE {' AND '.join(conds)})")
            elif not perm and key.endswith("_aggregate") and key[: -len("_aggregate")] in t.relationships:
                parts.append(
                    self.aggregate_predicate(t.relationships[key[: -len("_aggregate")]], alias, value, path)
                )
            elif key in t.relationships:
                rel = t.relationships[key]
                target = self.model.tables[rel.target]
                ta = self.alias()
                conds = [self.join_cond(rel, alias, ta)]
                if not perm:
                    view = self.rs.views.get(rel.target)
                    conds.append(self.perm_filter(view, ta) if view else "false")
                conds.append(self.bool_exp(value, target, ta, perm, root_alias, f"{path}.{key}"))
                parts.append(f"EXISTS (SELECT 1 FROM {qt(rel.target)} AS {ta} WHERE {' AND '.join(conds)})")
            else:
                raise GQLError(f"field '{key}' not found in type: '{t.gql_name}_bool_exp'")
        return " AND ".join(parts) if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def aggregate_predicate(self, rel: Any, alias: str, value: Any, path: str) -> str:
        """`{count: {arguments, distinct, filter, predicate}}`: compare a count of related permitted rows."""
        view = self.rs.views[rel.target]
        parts = []
        for fn, spec in (self.resolve(value) or {}).items():
            spec = self.resolve(spec) or {}
            ta = self.alias()
            conds = [self.join_cond(rel, alias, ta), self.perm_filter(view, ta)]
            flt = self.resolve(spec.get("filter"))
            if flt:
                conds.append(self.bool_exp(flt, view.tracked, ta, False, ta, f"{path}.{fn}.filter"))
            cols = self.resolve(spec.get("arguments")) or []
            cols = [cols] if isinstance(cols, str) else [self.resolve(c) for c in cols]
            distinct = "DISTINCT " if self.resolve(spec.get("distinct")) else ""
            target = ", ".join(f"{ta}.{q(c)}" for c in cols)
            if len(cols) > 1:
                target = f"({target})"
            counted = f"count({distinct}{target})" if cols else "count(*)"
            sub = f"(SELECT {counted} FROM {qt(rel.target)} AS {ta} WHERE {' AND '.join(conds)})"
            parts.append(
                self.comparison(
                    sub,
                    "int",
                    "int4",
                    spec.get("predicate"),
                    False,
                    view.tracked,
                    ta,
                    ta,
                    f"{path}.{fn}.predicate",
                )
            )
        return " AND ".join(parts) or "true"

    def comparison(
        self,
        expr: str,
        cast: str,
        udt: str,
        ops: Any,
        perm: bool,
        t: TrackedTable,
        alias: str,
        root_alias: str,
        path: str = "$",
    ) -> str:
        ops = self.resolve(ops)
        if perm and not isinstance(ops, dict):  # metadata shorthand `{col: value}` means `_eq`
            ops = {"_eq": ops}
        parts: list[str] = []
        for op, value in (ops or {}).items():
            if perm and op.startswith("$"):
                op = "_" + op[1:]
            if not perm and op not in ("_is_null", "_cast"):
                # Hasura v2 refuses null operands (no v1 "boolean null collapse"), also from variables.
                null_error = (f"unexpected null value for type '{scalar_name(udt)}'", f"{path}.{op}")
                if value is None:
                    raise GQLError(null_error[0], path=null_error[1])
                if isinstance(value, Var):
                    value = NonNullVar(value.name, null_error)
            if op in _CMP:
                parts.append(f"{expr} {_CMP[op]} {self.scalar(value, cast, perm)}")
            elif op in ("_in", "_nin"):
                value = (
                    value
                    if isinstance(value, Var) or (perm and is_session_var(value))
                    else self.resolve(value)
                )
                if isinstance(value, list) and not value:
                    parts.append("false" if op == "_in" else "true")
                    continue
                e = f"{expr} = ANY({self.array(value, cast, perm)})"
                parts.append(e if op == "_in" else f"NOT ({e})")
            elif op == "_is_null":
                if isinstance(value, Var):
                    parts.append(f"(({expr}) IS NULL) = {self.scalar(value, 'boolean')}")
                else:
                    parts.append(f"{expr} IS {'' if value else 'NOT '}NULL")
            elif op in _TEXT_OPS:
                parts.append(f"{expr} {_TEXT_OPS[op]} {self.scalar(value, 'text', perm)}")
            elif op == "_contains":
                parts.append(f"{expr} @> {self.scalar(value, 'jsonb', perm)}")
            elif op == "_contained_in":
                parts.append(f"{expr} <@ {self.scalar(value, 'jsonb', perm)}")
            elif op == "_has_key":
                parts.append(f"{expr} ? {self.scalar(value, 'text', perm)}")
            elif op in ("_has_keys_any", "_has_keys_all"):
                sym = "?|" if op == "_has_keys_any" else "?&"
                parts.append(f"{expr} {sym} {self.array(value, 'text', perm)}")
            elif op == "_cast":
                for target, sub in self.resolve(value).items():
                    tcast = {"String": "text"}.get(target, target)
                    parts.append(
                        self.comparison(f"({expr})::{tcast}", tcast, tcast, sub, perm, t, alias, root_alias)
                    )
            elif op in _COL_CMP and perm:
                if isinstance(value, list) and len(value) == 2 and value[0] == "$":
                    other = f"{root_alias}.{q(value[1])}"
                else:
                    other = f"{alias}.{q(value)}"
                parts.append(f"{expr} {_COL_CMP[op]} {other}")
            else:
                raise GQLError(f"unknown operator '{op}'")
        if not parts:
            return "true"
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
