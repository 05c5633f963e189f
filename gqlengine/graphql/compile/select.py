"""Selections to SQL: a row's JSON (columns, computed fields, relationships), select lists with
order_by/distinct_on/limit/offset, by primary key, and aggregates."""

from __future__ import annotations

import re
from typing import Any

from graphql.language import ast as gast

from gqlengine.graphql.compile.plan import (
    MAX_COMPILED_FIELDS,
    GQLError,
    Param,
    json_object,
    q,
    qt,
    sql_str,
    to_text,
)
from gqlengine.graphql.compile.where import WhereCompiler
from gqlengine.graphql.schema import ADMIN, TableView

DIRECTIONS = {
    "asc": "ASC NULLS LAST",
    "asc_nulls_last": "ASC NULLS LAST",
    "asc_nulls_first": "ASC NULLS FIRST",
    "desc": "DESC NULLS FIRST",
    "desc_nulls_first": "DESC NULLS FIRST",
    "desc_nulls_last": "DESC NULLS LAST",
}

_PATH_TOKEN = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_]*)|\.?\[(\d+)\]|\.?\[(?:"([^"]*)"|'([^']*)')\]""")


def json_path(path: str) -> list[str | int]:
    """`$.a.b[0]["c d"]` → ["a", "b", 0, "c d"], the subset of JSONPath Hasura's `path` argument takes."""
    rest = path.strip()
    if rest.startswith("$"):
        rest = rest[1:]
    elif rest and rest[0] not in ".[":
        rest = "." + rest
    out: list[str | int] = []
    pos = 0
    while pos < len(rest):
        m = _PATH_TOKEN.match(rest, pos)
        if m is None:
            raise GQLError(
                f"parse json path error: unexpected {rest[pos:]!r}", "validation-failed", "$.selectionSet"
            )
        out.append(int(m[2]) if m[2] is not None else next(g for g in (m[1], m[3], m[4]) if g is not None))
        pos = m.end()
    return out


def _orders(spec: Any) -> bool:
    """Whether an aggregate's order_by entry orders by anything (`count: asc`, or a column's direction)."""
    if isinstance(spec, dict):
        return any(d is not None for d in spec.values())
    return spec is not None


def _agg_sql(fn: str, e: str) -> str:
    return f"{fn}({e})"


class SelectCompiler(WhereCompiler):
    """Selections: the row JSON, select lists, by primary key, aggregates."""

    def column_expr(self, view: TableView, alias: str, col: str) -> str:
        c = view.tracked.table.columns[col]
        e = self.cell(view, alias, col, f"{alias}.{q(col)}")
        if self.stringify and c.udt in ("int8", "numeric", "float8", "money"):
            return f"({e})::text"
        return e

    def cell(self, view: TableView, alias: str, name: str, e: str) -> str:
        """An inherited role sees a field some parents do not allow only on the rows of those that do."""
        cond = view.perm.column_filters.get(name) if self.rs.role != ADMIN else None
        if cond is None:
            return e
        return (
            f"CASE WHEN {self.bool_exp(cond, view.tracked, alias, perm=True, root_alias=alias)} THEN {e} END"
        )

    def row_json(self, view: TableView, alias: str, fields: dict[str, list[gast.FieldNode]]) -> str:
        # Fragments spread under different response keys (`a { ...F } b { ...F }`, level after level) ask
        # for an answer exponential in the document; roles without api limits (admin) meet this bound.
        self.compiled_fields += len(fields)
        if self.compiled_fields > MAX_COMPILED_FIELDS:
            raise GQLError(
                f"the operation selects more than {MAX_COMPILED_FIELDS} fields", "validation-failed", "$"
            )
        pairs: list[str] = []
        t = view.tracked
        for key, nodes in fields.items():
            name = nodes[0].name.value
            self.path.append(key)
            if name == "__typename":
                expr = sql_str(t.gql_name)
            elif name in t.table.columns:
                expr = self.column_expr(view, alias, name)
                path = self.resolve(self.args(nodes).get("path"))
                if path is not None:
                    elements = [to_text(p) for p in json_path(path)]
                    expr = f"({expr} #> {self.param(Param('lit', elements, array=True))}::text[])"
            elif name in t.computed_fields and t.computed_fields[name].returns_table:
                cf = t.computed_fields[name]
                assert cf.returns_table is not None
                target = self.rs.views[cf.returns_table]
                args = self.args(nodes)
                expr = self.select_array(
                    target, args, self.sub(nodes), self.function_call(cf, alias, args.get("args"))
                )
            elif name in t.computed_fields:
                expr = self.cell(
                    view, alias, name, self.computed_expr(view, alias, name, self.args(nodes).get("args"))
                )
            elif name in t.relationships:
                rel = t.relationships[name]
                target = self.rs.views[rel.target]
                if rel.kind == "object":
                    ta = self.alias()
                    cond = self.join_cond(rel, alias, ta)
                    perm = self.perm_filter(target, ta)
                    expr = (
                        f"(SELECT {self.row_json(target, ta, self.sub(nodes))} FROM {qt(rel.target)} AS {ta} "
                        f"WHERE {cond} AND {perm} LIMIT 1)"
                    )
                else:
                    expr = self.select_array(target, self.args(nodes), self.sub(nodes), (rel, alias))
            elif name.endswith("_aggregate") and name[: -len("_aggregate")] in t.relationships:
                rel = t.relationships[name[: -len("_aggregate")]]
                target = self.rs.views[rel.target]
                expr = self.select_aggregate(target, self.args(nodes), self.sub(nodes), (rel, alias))
            else:  # validation makes this unreachable
                raise GQLError(f"field '{name}' not found in type: '{t.gql_name}'")
            self.path.pop()
            pairs.append(f"{sql_str(key)}, {expr}")
        return json_object(pairs)

    def _from_where(self, view: TableView, alias: str, args: dict[str, Any], join: Any) -> str:
        """`join` is None (a root field), (relationship, outer alias), or a set-returning function call."""
        conds = [self.perm_filter(view, alias)]
        source = qt(view.tracked.key)
        if isinstance(join, str):
            source = join
        elif join is not None:
            rel, outer = join
            conds.insert(0, self.join_cond(rel, outer, alias))
        where = self.resolve(args.get("where"))
        if where:
            conds.append(self.bool_exp(where, view.tracked, alias, False, alias, f"{self.args_path()}.where"))
        return f"FROM {source} AS {alias} WHERE " + " AND ".join(conds)

    def _order_limit(
        self, view: TableView, alias: str, args: dict[str, Any], perm_limit: bool = True
    ) -> tuple[str, list[tuple[str, str]], str, str]:
        """(DISTINCT ON clause, [(order expr, direction)], LIMIT clause, OFFSET clause)."""
        order: list[tuple[str, str]] = []
        ob = self.resolve(args.get("order_by"))
        if isinstance(ob, dict):
            ob = [ob]
        for item in ob or []:
            item = self.resolve(item)
            self.order_items(view, alias, item, order)
        distinct = ""
        dcols = self.resolve(args.get("distinct_on"))
        if isinstance(dcols, str):
            dcols = [dcols]
        if dcols:
            dcols = [self.resolve(d) for d in dcols]
            dexprs = [f"{alias}.{q(c)}" for c in dcols]
            lead = [e for e, _ in order[: len(dexprs)]]
            if order and sorted(lead) != sorted(dexprs):
                raise GQLError(
                    '"distinct_on" columns must match initial "order_by" columns', path=self.args_path()
                )
            if not order:
                order = [(e, "ASC NULLS LAST") for e in dexprs]
            distinct = f"DISTINCT ON ({', '.join(dexprs)}) "
        limit_clause = ""
        # The limit is written into the statement (a variable's value becomes part of the plan key): with a
        # parameter there PostgreSQL's plan cache keeps choosing custom plans and plans every execution again.
        limit = self.resolve(args.get("limit"))
        for arg in ("limit", "offset"):
            if isinstance(args.get(arg), int) and args[arg] < 0:
                raise GQLError(
                    "expected a non-negative 32-bit integer for type 'Int', but found an integer",
                    path=f"{self.args_path()}.{arg}",
                )
        cap = view.perm.limit if self.rs.role != ADMIN and perm_limit else None
        if limit is not None:
            lim = int(limit)  # a GraphQL Int, already validated
            limit_clause = f" LIMIT least({lim}, {int(cap)})" if cap is not None else f" LIMIT {lim}"
        elif cap is not None:
            limit_clause = f" LIMIT {int(cap)}"
        offset = args.get("offset")
        offset_clause = f" OFFSET {self.scalar(offset, 'bigint')}" if offset is not None else ""
        return distinct, order, limit_clause, offset_clause

    def order_items(
        self, view: TableView, alias: str, item: dict[str, Any], out: list[tuple[str, str]], wrap: Any = None
    ) -> None:
        t = view.tracked
        for key, value in (item or {}).items():
            value = self.resolve(value)
            if value is None:
                continue
            if key in t.table.columns or key in t.computed_fields:
                expr = (
                    f"{alias}.{q(key)}"
                    if key in t.table.columns
                    else self.computed_expr_raw(view, alias, key)
                )
                out.append((wrap(expr) if wrap else expr, DIRECTIONS[value]))
            elif key in t.relationships:
                rel = t.relationships[key]
                target = self.rs.views[rel.target]
                ta = self.alias()

                # The permission filter is compiled only for an order expression that uses it: its
                # parameters would otherwise be sent unused (`order_by: {rel: {}}` was a database error).
                def wrapper(
                    e: str, rel: Any = rel, target: Any = target, ta: str = ta, outer: Any = wrap
                ) -> str:
                    pre = f"{self.join_cond(rel, alias, ta)} AND {self.perm_filter(target, ta)}"
                    inner = f"(SELECT {e} FROM {qt(rel.target)} AS {ta} WHERE {pre} LIMIT 1)"
                    return outer(inner) if outer else inner

                self.order_items(target, ta, value, out, wrapper)
            elif key.endswith("_aggregate") and (
                key[: -len("_aggregate")] in t.relationships or key[: -len("_aggregate")] in t.computed_fields
            ):
                base = key[: -len("_aggregate")]
                ta = self.alias()
                specs = {fn: spec for fn, spec in value.items() if _orders(self.resolve(spec))}
                if not specs:
                    continue  # nothing to order by: no permission filter (and its parameters) either
                if base in t.relationships:
                    rel = t.relationships[base]
                    target = self.rs.views[rel.target]
                    src = (
                        f"FROM {qt(rel.target)} AS {ta} WHERE {self.join_cond(rel, alias, ta)} "
                        f"AND {self.perm_filter(target, ta)}"
                    )
                else:
                    cf = t.computed_fields[base]
                    assert cf.returns_table is not None
                    target = self.rs.views[cf.returns_table]
                    src = f"FROM {self.function_call(cf, alias)} AS {ta} WHERE {self.perm_filter(target, ta)}"
                for fn, spec in specs.items():
                    spec = self.resolve(spec)
                    if fn == "count":
                        exprs = [(f"(SELECT count(*) {src})", spec)]
                    else:
                        exprs = [
                            (f"(SELECT {_agg_sql(fn, f'{ta}.{q(c)}')} {src})", d)
                            for c, d in spec.items()
                            if d is not None
                        ]
                    for e, d in exprs:
                        out.append((wrap(e) if wrap else e, DIRECTIONS[d]))

    def computed_expr_raw(self, view: TableView, alias: str, name: str) -> str:
        saved = self.stringify
        self.stringify = False
        try:
            return self.computed_expr(view, alias, name)
        finally:
            self.stringify = saved

    def select_array(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]], join: Any
    ) -> str:
        a = self.alias()
        distinct, order, limit, offset = self._order_limit(view, a, args)
        j = self.row_json(view, a, fields)
        fw = self._from_where(view, a, args, join)
        ocols = "".join(f", {e} AS o{i}" for i, (e, _) in enumerate(order))
        inner_order = " ORDER BY " + ", ".join(f"{e} {d}" for e, d in order) if order else ""
        outer_order = (
            " ORDER BY " + ", ".join(f"{a}s.o{i} {d}" for i, (_, d) in enumerate(order)) if order else ""
        )
        return (
            f"(SELECT coalesce(json_agg({a}s.j{outer_order}), '[]'::json) FROM "
            f"(SELECT {distinct}{j} AS j{ocols} {fw}{inner_order}{limit}{offset}) AS {a}s)"
        )

    def select_by_pk(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]]
    ) -> str:
        a = self.alias()
        t = view.tracked
        conds = [
            f"{a}.{q(c)} = {self.scalar(args[c], t.table.columns[c].pg_type)}" for c in t.table.primary_key
        ]
        conds.append(self.perm_filter(view, a))
        return f"SELECT {self.row_json(view, a, fields)} FROM {qt(t.key)} AS {a} WHERE {' AND '.join(conds)}"

    def select_aggregate(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]], join: Any
    ) -> str:
        a = self.alias()
        # Hasura caps only `nodes` by the permission's row limit; the aggregate sees every permitted row.
        distinct, order, limit, offset = self._order_limit(view, a, args, perm_limit=False)
        fw = self._from_where(view, a, args, join)
        inner: list[str] = []
        pairs: list[str] = []
        cap = view.perm.limit if self.rs.role != ADMIN else None
        node_filter = f" FILTER (WHERE {a}s.rn <= {int(cap)})" if cap is not None else ""
        outer_order = (
            " ORDER BY " + ", ".join(f"{a}s.o{i} {d}" for i, (_, d) in enumerate(order)) if order else ""
        )
        needed_cols: set[str] = set()
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(view.tracked.gql_name + '_aggregate')}")
            elif name == "nodes":
                jn = f"j{len(inner)}"
                inner.append(f"{self.row_json(view, a, self.sub(nodes))} AS {jn}")
                pairs.append(
                    f"{sql_str(key)}, coalesce(json_agg({a}s.{jn}{outer_order}){node_filter}, '[]'::json)"
                )
            elif name == "aggregate":
                pairs.append(
                    f"{sql_str(key)}, {self.aggregate_fields(view, a, self.sub(nodes), needed_cols)}"
                )
        for c in sorted(needed_cols):
            inner.append(f"{self.cell(view, a, c, f'{a}.{q(c)}')} AS {q('c_' + c)}")
        inner += [f"{e} AS o{i}" for i, (e, _) in enumerate(order)]
        inner_order = " ORDER BY " + ", ".join(f"{e} {d}" for e, d in order) if order else ""
        if cap is not None and any(n[0].name.value == "nodes" for n in fields.values()):
            # The cap applies to `nodes` only; plain aggregates need no row numbers (a window is a real cost).
            inner.append(f"row_number() OVER ({inner_order.strip()}) AS rn")
        if not inner:
            inner.append("1 AS _one")
        # GROUP BY (): one answer however many rows, also when nothing selected aggregates them
        # (`{ x_aggregate { __typename } }` was "more than one row returned by a subquery").
        return (
            f"(SELECT {json_object(pairs)} FROM (SELECT {distinct}{', '.join(inner)} {fw}"
            f"{inner_order}{limit}{offset}) AS {a}s GROUP BY ())"
        )

    def aggregate_fields(
        self, view: TableView, a: str, fields: dict[str, list[gast.FieldNode]], needed: set[str]
    ) -> str:
        pairs: list[str] = []
        g = view.tracked.gql_name
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(g + '_aggregate_fields')}")
            elif name == "count":
                args = self.args(nodes)
                cols = self.resolve(args.get("columns"))
                if isinstance(cols, str):
                    cols = [cols]
                distinct = bool(self.resolve(args.get("distinct")))
                if cols:
                    cols = [self.resolve(c) for c in cols]
                    needed.update(cols)
                    ce = ", ".join(f"{a}s.{q('c_' + c)}" for c in cols)
                    if len(cols) > 1:
                        ce = f"({ce})"
                    expr = f"count({'DISTINCT ' if distinct else ''}{ce})"
                else:
                    expr = "count(*)"
                pairs.append(f"{sql_str(key)}, {expr}")
            else:
                sub_pairs: list[str] = []
                for skey, snodes in self.sub(nodes).items():
                    col = snodes[0].name.value
                    if col == "__typename":
                        sub_pairs.append(f"{sql_str(skey)}, {sql_str(f'{g}_{name}_fields')}")
                        continue
                    needed.add(col)
                    e = _agg_sql(name, f"{a}s.{q('c_' + col)}")
                    udt = view.tracked.table.columns[col].udt
                    # Hasura stringifies by the column's type: avg(int) stays a number, avg(numeric) a string.
                    if self.stringify and udt in ("int8", "numeric", "float8", "money"):
                        e = f"({e})::text"
                    sub_pairs.append(f"{sql_str(skey)}, {e}")
                pairs.append(f"{sql_str(key)}, {json_object(sub_pairs)}")
        return json_object(pairs)
