"""A role's whole schema: query, mutation and subscription roots (tables, tracked functions, actions)."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
)

from gqlengine.graphql.schema.mutations import MutationFields
from gqlengine.graphql.schema.views import ADMIN, RoleSchema, RootField
from gqlengine.metadata.model import Model


class _Builder(MutationFields):
    """The root types: tables, tracked functions and actions under query, mutation and subscription."""

    def function_fields(
        self, rs: RoleSchema, qfields: dict[str, GraphQLField], mfields: dict[str, GraphQLField]
    ) -> None:
        """Tracked SQL functions: `fn` and `fn_aggregate` over the rows they return, for a role that may
        select those rows; with HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS=false only for roles given a
        function permission (Hasura's rule, for functions exposed as queries and as mutations alike)."""
        for name, tf in self.model.functions.items():
            view = self.views.get(tf.returns_table)
            if view is None or not view.selectable:
                continue
            if self.role != ADMIN and not self.infer_functions and self.role not in tf.roles:
                continue
            into = mfields if tf.exposed_as == "mutation" else qfields
            table = tf.returns_table[1]
            args = {**self.function_args(tf), **self.list_args(view)}
            root = tf.root_fields["function"]
            rows = GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(view))))
            into[root] = GraphQLField(
                rows if tf.returns_set else self.object(view),
                args=args if tf.returns_set else self.function_args(tf),
                description=tf.description,
            )
            fields = rs.mutation_fields if tf.exposed_as == "mutation" else rs.query_fields
            fields[root] = RootField("function", tf.returns_table, function=name)
            if view.perm.allow_aggregations and tf.exposed_as == "query" and tf.returns_set:
                agg = tf.root_fields["function_aggregate"]
                into[agg] = GraphQLField(
                    GraphQLNonNull(self.aggregate(view)),
                    args=args,
                    description=f'execute function "{tf.key[1]}" and query aggregates on result of '
                    + f'table type "{table}"',
                )
                fields[agg] = RootField("function_aggregate", tf.returns_table, function=name)

    def build(self, action_types: Any = None) -> RoleSchema:
        rs = RoleSchema(self.role, None, self.views)  # type: ignore[arg-type]
        qfields: dict[str, GraphQLField] = {}
        sfields: dict[str, GraphQLField] = {}
        for key, v in sorted(self.views.items(), key=lambda kv: kv[1].tracked.gql_name):
            t = v.tracked
            fields: dict[str, GraphQLField] = {}
            if v.selectable:
                fields["select"] = GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(v)))),
                    args=self.list_args(v),
                    description=t.root_field_description("select", f'fetch data from the table: "{t.name}"'),
                )
            if v.perm.allow_aggregations:
                fields["select_aggregate"] = GraphQLField(
                    GraphQLNonNull(self.aggregate(v)),
                    args=self.list_args(v),
                    description=t.root_field_description(
                        "select_aggregate", f'fetch aggregated fields from the table: "{t.name}"'
                    ),
                )
            pk = t.table.primary_key
            if pk and v.selectable and all(c in v.columns for c in pk):
                fields["select_by_pk"] = GraphQLField(
                    self.object(v),
                    args={c: GraphQLArgument(GraphQLNonNull(self.column_scalar(t, c))) for c in pk},
                    description=t.root_field_description(
                        "select_by_pk", f'fetch data from the table: "{t.name}" using primary key columns'
                    ),
                )
            if v.selectable:
                stream = GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(v)))),
                    args={
                        "batch_size": GraphQLArgument(
                            GraphQLNonNull(GraphQLInt),
                            description="maximum number of rows returned in a single batch",
                        ),
                        "cursor": GraphQLArgument(
                            GraphQLNonNull(GraphQLList(self.stream_cursor_input(v))),
                            description="cursor to stream the results returned by the query",
                        ),
                        "where": GraphQLArgument(self.bool_exp(v), description="filter the rows returned"),
                    },
                    description=t.root_field_description(
                        "select_stream", f'fetch data from the table in a streaming manner: "{t.name}"'
                    ),
                )
                allowed = v.perm.subscription_root_fields
                if allowed is None or "select_stream" in allowed:
                    sfields[t.root_fields["select_stream"]] = stream
                    rs.subscription_fields[t.root_fields["select_stream"]] = RootField("select_stream", key)
            # query_root_fields and subscription_root_fields each restrict their own root (absent: all).
            for kind, gfield in fields.items():
                name = t.root_fields[kind]
                if v.perm.root_fields is None or kind in v.perm.root_fields:
                    qfields[name] = gfield
                    rs.query_fields[name] = RootField(kind, key)
                if v.perm.subscription_root_fields is None or kind in v.perm.subscription_root_fields:
                    sfields[name] = gfield
                    rs.subscription_fields[name] = RootField(kind, key)
        mfields: dict[str, GraphQLField] = {}
        self.table_mutations(rs, mfields)
        self.function_fields(rs, qfields, mfields)
        if action_types is not None:
            for name, (kind, gfield) in action_types.for_role(self).fields_for(self.role).items():
                if kind == "query":
                    qfields[name] = gfield
                    rs.query_fields[name] = RootField("action", action=name)
                else:
                    mfields[name] = gfield
                    rs.mutation_fields[name] = RootField("action", action=name)
        # Live queries also over the tracked query functions (actions are not subscribable).
        for name, rf in rs.query_fields.items():
            if rf.kind in ("function", "function_aggregate"):
                sfields[name] = qfields[name]
                rs.subscription_fields[name] = rf
        if not qfields:
            qfields["no_queries_available"] = GraphQLField(GraphQLNonNull(GraphQLString))
        query = GraphQLObjectType("query_root", dict(sorted(qfields.items())))
        mutation = GraphQLObjectType("mutation_root", dict(sorted(mfields.items()))) if mfields else None
        subscription = (
            GraphQLObjectType("subscription_root", dict(sorted(sfields.items()))) if sfields else None
        )
        rs.schema = GraphQLSchema(query=query, mutation=mutation, subscription=subscription)
        return rs


def build_role_schema(
    model: Model, role: str, action_types: Any = None, backend: bool = False, infer_functions: bool = True
) -> RoleSchema:
    return _Builder(model, role, backend, infer_functions).build(action_types)
