"""The compiler: an operation's root fields to one statement (queries, mutations, subscriptions, streaming
subscriptions, tracked functions), built from the parts in this package."""

from __future__ import annotations

import dataclasses
from typing import Any

from graphql.language import ast as gast

from gqlengine.graphql.compile.mutation import MutationCompiler
from gqlengine.graphql.compile.plan import (
    MUTATION_KINDS,
    Compiled,
    GQLError,
    MutationPlan,
    Param,
    RootItem,
    q,
    qt,
    to_text,
)
from gqlengine.graphql.schema import ADMIN, TableView


class Compiler(MutationCompiler):
    """An operation's root fields to one parameterised statement."""

    def compile_operation(self, op: gast.OperationDefinitionNode) -> Compiled:
        items: list[RootItem] = []
        exprs: list[str] = []
        root_name, fields_map = {
            gast.OperationType.MUTATION: ("mutation_root", self.rs.mutation_fields),
            gast.OperationType.SUBSCRIPTION: ("subscription_root", self.rs.subscription_fields),
        }.get(op.operation, ("query_root", self.rs.query_fields))
        for alias, nodes in self.collect(op.selection_set).items():
            name = nodes[0].name.value
            if name == "__typename":
                items.append(RootItem(alias, "typename", value=root_name))
                continue
            if name in ("__schema", "__type"):
                items.append(RootItem(alias, "introspection", value=nodes))
                continue
            rf = fields_map[name]
            if rf.kind == "action":
                items.append(RootItem(alias, "action", value=(rf.action, nodes)))
                continue
            self.path = [alias]
            if rf.kind == "update_many":
                # One statement per entry, run in order: a later entry sees the earlier ones' changes.
                updates = self.resolve(self.args(nodes).get("updates")) or []
                if isinstance(updates, dict):  # GraphQL input coercion: one entry where a list is expected
                    updates = [updates]
                one = dataclasses.replace(rf, kind="update")
                plans = [self.mutation(one, self.resolve(u) or {}, nodes) for u in updates]
                items.append(RootItem(alias, "mutation_many", value=plans))
                continue
            if rf.kind in MUTATION_KINDS:
                items.append(RootItem(alias, "mutation", value=self.mutation(rf, self.args(nodes), nodes)))
                continue
            view = self.rs.views[rf.table]  # type: ignore[index]
            args = self.args(nodes)
            if rf.kind == "function" and op.operation == gast.OperationType.MUTATION:
                items.append(RootItem(alias, "mutation", value=self.function_mutation(rf, view, args, nodes)))
                continue
            if rf.kind in ("function", "function_aggregate"):
                items.append(RootItem(alias, "sql", index=len(exprs)))
                exprs.append(self.function_select(rf, view, args, nodes))
                continue
            if rf.kind == "select_stream":
                items.append(RootItem(alias, "stream", value=self.select_stream(view, args, self.sub(nodes))))
                continue
            if rf.kind == "select":
                expr = self.select_array(view, args, self.sub(nodes), None)
            elif rf.kind == "select_by_pk":
                expr = self.select_by_pk(view, args, self.sub(nodes))
            else:
                expr = self.select_aggregate(view, args, self.sub(nodes), None)
            items.append(RootItem(alias, "sql", index=len(exprs)))
            exprs.append(expr)
        sql = None
        if exprs:
            sql = "SELECT " + ", ".join(f"({e})::text AS f{i}" for i, e in enumerate(exprs))
        return Compiled(
            items,
            sql,
            self.params,
            self.structural,
            op.operation.value,
        )

    def select_stream(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]]
    ) -> tuple[str, str | None]:
        """One batch of a streaming subscription: the next rows past the cursor (a `cursor` parameter the
        subscription advances), as (statement answering [rows JSON, last cursor value], initial cursor)."""
        cursors = self.resolve(args.get("cursor"))
        cursors = [cursors] if isinstance(cursors, dict) else list(cursors or [])
        path = f"{self.args_path()}.cursor"
        if len(cursors) != 1 or cursors[0] is None:
            raise GQLError("one streaming column field is expected", path=path)
        cursor = self.resolve(cursors[0])
        initial = self.resolve(cursor.get("initial_value")) or {}
        if len(initial) != 1:
            raise GQLError("one streaming column field is expected", path=f"{path}[0].initial_value")
        ((column, value),) = initial.items()
        ascending = (self.resolve(cursor.get("ordering")) or "ASC") == "ASC"
        batch = int(self.resolve(args.get("batch_size")))
        cap = view.perm.limit if self.rs.role != ADMIN else None
        limit = min(batch, int(cap)) if cap is not None else batch
        a = self.alias()
        col = f"{a}.{q(column)}"
        pg_type = view.tracked.table.columns[column].pg_type
        after = f"{col} {'>' if ascending else '<'} {self.param(Param('cursor', None))}::text::{pg_type}"
        direction = "ASC" if ascending else "DESC"
        source = self._from_where(view, a, args, None)
        inner = (
            f"SELECT {self.row_json(view, a, fields)} AS j, {col} AS c {source} "
            f"AND {after} ORDER BY {col} {direction} LIMIT {limit}"
        )
        sql = (
            f"SELECT coalesce(json_agg(s.j ORDER BY s.c {direction}), '[]')::text, "
            f"(array_agg(s.c::text ORDER BY s.c {direction}))[count(*)] FROM ({inner}) AS s"
        )
        return sql, to_text(self._resolve_deep(value))

    def tracked_function_call(self, tf: Any, values: Any) -> str:
        """`fn(arg => value, …)` in named notation: arguments left out take their defaults."""
        values = self.resolve(values) or {}
        parts = []
        if tf.session_argument:
            session = f"{self.param(Param('session_json', None))}::text::json"
            parts.append(f"{q(tf.session_argument)} => {session}")
        for name, (schema, typ) in tf.input_args:
            if name in values:
                parts.append(f"{q(name)} => {self.scalar(values[name], f'{q(schema)}.{q(typ)}')}")
        return f"{qt(tf.key)}({', '.join(parts)})"

    def function_select(
        self, rf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode]
    ) -> str:
        assert rf.function is not None
        tf = self.model.functions[rf.function]
        source = self.tracked_function_call(tf, args.get("args"))
        if rf.kind == "function_aggregate":
            return self.select_aggregate(view, args, self.sub(nodes), source)
        return self.function_rows(tf, view, args, nodes, source)

    def function_rows(
        self, tf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode], source: str
    ) -> str:
        """The rows of a tracked function as its field answers them: a list, or one object (or null) for a
        function returning a single row; always under the role's select permission on the table."""
        if tf.returns_set:
            return self.select_array(view, args, self.sub(nodes), source)
        a = self.alias()
        return (
            f"(SELECT {self.row_json(view, a, self.sub(nodes))} FROM {source} AS {a} "
            f"WHERE {self.perm_filter(view, a)} LIMIT 1)"
        )

    def function_mutation(
        self, rf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode]
    ) -> MutationPlan:
        """A volatile function exposed as a mutation: run in the request's transaction, rows answered as a
        select of them (the role's select permission applies)."""
        saved = (self.params, self.param_index)
        self.params, self.param_index = [], {}
        try:
            tf = self.model.functions[rf.function]
            source = self.tracked_function_call(tf, args.get("args"))
            # The function runs once, in a CTE, whatever the selection reads from its rows.
            expr = self.function_rows(tf, view, args, nodes, "fn_rows")
            sql = f"WITH fn_rows AS MATERIALIZED (SELECT * FROM {source}) SELECT ({expr})::text, 0"
            return MutationPlan(sql, self.params, "none", "$")
        finally:
            self.params, self.param_index = saved
