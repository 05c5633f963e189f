"""Output types: a table's object type (columns, computed fields, relationships) and its `_aggregate` type."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)

from gqlengine.graphql.schema.inputs import InputTypes
from gqlengine.graphql.schema.scalars import AGG_FUNCTIONS, scalar_for
from gqlengine.graphql.schema.views import TableView


class OutputTypes(InputTypes):
    """A table's object type and its aggregate type."""

    def object(self, v: TableView) -> GraphQLObjectType:
        g = v.tracked.gql_name
        if g in self.objects:
            return self.objects[g]

        def fields() -> dict[str, GraphQLField]:
            f: dict[str, GraphQLField] = {}
            for c in v.columns:
                udt = v.tracked.table.columns[c].udt
                args = (
                    {"path": GraphQLArgument(GraphQLString, description="JSON select path")}
                    if udt in ("json", "jsonb")
                    else None
                )
                f[c] = GraphQLField(
                    self.col_type(v.tracked, c), args=args, description=v.tracked.column_description(c)
                )
            for c in v.computed:
                cf = v.tracked.computed_fields[c]
                f[c] = GraphQLField(
                    scalar_for(cf.return_udt), args=self.function_args(cf) or None, description=cf.description
                )
            for c in v.computed_sets:
                cf = v.tracked.computed_fields[c]
                target = self.views[cf.returns_table]  # type: ignore[index]
                f[c] = GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(target)))),
                    args={**self.function_args(cf), **self.list_args(target)},
                    description=cf.description,
                )
            for r in v.relationships:
                rel = v.tracked.relationships[r]
                target = self.views[rel.target]
                if rel.kind == "object":
                    f[r] = GraphQLField(self.object(target), description=rel.description)
                else:
                    f[r] = GraphQLField(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(target)))),
                        args=self.list_args(target),
                        description=rel.description,
                    )
                    if target.perm.allow_aggregations:
                        f[f"{r}_aggregate"] = GraphQLField(
                            GraphQLNonNull(self.aggregate(target)),
                            args=self.list_args(target),
                            description="An aggregate relationship",
                        )
            return dict(sorted(f.items()))

        self.objects[g] = GraphQLObjectType(g, fields, description=v.tracked.description())
        return self.objects[g]

    def aggregate(self, v: TableView) -> GraphQLObjectType:
        g = v.tracked.gql_name
        name = f"{g}_aggregate"
        if name in self.objects:
            return self.objects[name]
        fields_name = f"{g}_aggregate_fields"

        def agg_fields() -> dict[str, GraphQLField]:
            f: dict[str, GraphQLField] = {
                "count": GraphQLField(
                    GraphQLNonNull(GraphQLInt),
                    args={
                        "columns": GraphQLArgument(GraphQLList(GraphQLNonNull(self.select_column_enum(v)))),
                        "distinct": GraphQLArgument(GraphQLBoolean),
                    }
                    if v.columns
                    else {},
                )
            }
            for fn in AGG_FUNCTIONS:
                cols = self.agg_columns(v, fn)
                if not cols:
                    continue
                if fn in ("sum", "max", "min"):
                    sub = {c: GraphQLField(scalar_for(v.tracked.table.columns[c].udt)) for c in cols}
                else:
                    sub = {c: GraphQLField(GraphQLFloat) for c in cols}
                f[fn] = GraphQLField(
                    GraphQLObjectType(f"{g}_{fn}_fields", sub, description=f"aggregate {fn} on columns")
                )
            return dict(sorted(f.items()))

        fields_type = GraphQLObjectType(
            fields_name, agg_fields, description=f'aggregate fields of "{v.tracked.name}"'
        )
        self.objects[name] = GraphQLObjectType(
            name,
            lambda: {
                "aggregate": GraphQLField(fields_type),
                **(
                    {"nodes": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(v)))))}
                    if v.selectable
                    else {}
                ),
            },
            description=f'aggregated selection of "{v.tracked.name}"',
        )
        return self.objects[name]
