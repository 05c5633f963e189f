"""Input types for reading: `<table>_bool_exp` (with aggregate predicates), `<table>_order_by` (with
aggregate ordering) and the list arguments (where, order_by, distinct_on, limit, offset)."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
)

from gqlengine.graphql.schema.fields import BuilderBase
from gqlengine.graphql.schema.scalars import AGG_FUNCTIONS, ORDER_BY, comparison_exp
from gqlengine.graphql.schema.views import TableView


class InputTypes(BuilderBase):
    """`_bool_exp`, `_order_by` and the list arguments."""

    def list_args(self, v: TableView) -> dict[str, GraphQLArgument]:
        args: dict[str, GraphQLArgument] = {}
        if v.columns:
            args["distinct_on"] = GraphQLArgument(
                GraphQLList(GraphQLNonNull(self.select_column_enum(v))),
                description="distinct select on columns",
            )
        args["limit"] = GraphQLArgument(GraphQLInt, description="limit the number of rows returned")
        args["offset"] = GraphQLArgument(
            GraphQLInt, description="skip the first n rows. Use only with order_by"
        )
        if v.selectable:
            args["order_by"] = GraphQLArgument(
                GraphQLList(GraphQLNonNull(self.order_by(v))),
                description="sort the rows by one or more columns",
            )
        args["where"] = GraphQLArgument(self.bool_exp(v), description="filter the rows returned")
        return args

    def bool_exp(self, v: TableView) -> GraphQLInputObjectType:
        name = f"{v.tracked.gql_name}_bool_exp"
        if name in self.inputs:
            return self.inputs[name]

        def fields() -> dict[str, GraphQLInputField]:
            me = self.inputs[name]
            f: dict[str, GraphQLInputField] = {
                "_and": GraphQLInputField(GraphQLList(GraphQLNonNull(me))),
                "_not": GraphQLInputField(me),
                "_or": GraphQLInputField(GraphQLList(GraphQLNonNull(me))),
            }
            for c in v.columns:
                f[c] = GraphQLInputField(self.column_comparison(v.tracked, c))
            for c in v.computed:
                if not v.tracked.computed_fields[c].input_args:  # no place for their arguments here
                    f[c] = GraphQLInputField(comparison_exp(v.tracked.computed_fields[c].return_udt))
            for c in v.computed_sets:
                cf = v.tracked.computed_fields[c]
                if not cf.input_args:
                    f[c] = GraphQLInputField(self.bool_exp(self.views[cf.returns_table]))  # type: ignore[index]
            for r in v.relationships:
                rel = v.tracked.relationships[r]
                target = self.views[rel.target]
                f[r] = GraphQLInputField(self.bool_exp(target))
                if rel.kind == "array" and target.perm.allow_aggregations:
                    f[f"{r}_aggregate"] = GraphQLInputField(self.aggregate_bool_exp(target))
            return dict(sorted(f.items()))

        self.inputs[name] = GraphQLInputObjectType(
            name,
            fields,
            description=f'Boolean expression to filter rows from the table "{v.tracked.name}". '
            "All fields are "
            "combined with a logical 'AND'.",
        )
        return self.inputs[name]

    def aggregate_bool_exp(self, v: TableView) -> GraphQLInputObjectType:
        """`<rel>_aggregate: {count: {arguments, distinct, filter, predicate}}` in a bool_exp."""
        g = v.tracked.gql_name
        name = f"{g}_aggregate_bool_exp"
        if name not in self.inputs:
            count_fields: dict[str, GraphQLInputField] = {}
            if v.columns:
                count_fields["arguments"] = GraphQLInputField(
                    GraphQLList(GraphQLNonNull(self.select_column_enum(v)))
                )
            count_fields["distinct"] = GraphQLInputField(GraphQLBoolean)
            count_fields["filter"] = GraphQLInputField(self.bool_exp(v))
            count_fields["predicate"] = GraphQLInputField(GraphQLNonNull(comparison_exp("int4")))
            count = GraphQLInputObjectType(f"{g}_aggregate_bool_exp_count", count_fields)
            self.inputs[name] = GraphQLInputObjectType(name, {"count": GraphQLInputField(count)})
        return self.inputs[name]

    def order_by(self, v: TableView) -> GraphQLInputObjectType:
        name = f"{v.tracked.gql_name}_order_by"
        if name in self.inputs:
            return self.inputs[name]

        def fields() -> dict[str, GraphQLInputField]:
            f: dict[str, GraphQLInputField] = {c: GraphQLInputField(ORDER_BY) for c in v.columns}
            for c in v.computed:
                if not v.tracked.computed_fields[c].input_args:
                    f[c] = GraphQLInputField(ORDER_BY)
            for c in v.computed_sets:
                target = self.views[v.tracked.computed_fields[c].returns_table]  # type: ignore[index]
                if target.perm.allow_aggregations and not v.tracked.computed_fields[c].input_args:
                    f[f"{c}_aggregate"] = GraphQLInputField(self.aggregate_order_by(target))
            for r in v.relationships:
                rel = v.tracked.relationships[r]
                target = self.views[rel.target]
                if rel.kind == "object":
                    f[r] = GraphQLInputField(self.order_by(target))
                elif target.perm.allow_aggregations:
                    f[f"{r}_aggregate"] = GraphQLInputField(self.aggregate_order_by(target))
            return dict(sorted(f.items()))

        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'Ordering options when selecting data from "{v.tracked.name}".'
        )
        return self.inputs[name]

    def aggregate_order_by(self, v: TableView) -> GraphQLInputObjectType:
        g = v.tracked.gql_name
        name = f"{g}_aggregate_order_by"
        if name in self.inputs:
            return self.inputs[name]

        def fields() -> dict[str, GraphQLInputField]:
            f: dict[str, GraphQLInputField] = {"count": GraphQLInputField(ORDER_BY)}
            for fn in AGG_FUNCTIONS:
                cols = self.agg_columns(v, fn)
                if cols:
                    f[fn] = GraphQLInputField(
                        GraphQLInputObjectType(
                            f"{g}_{fn}_order_by",
                            {c: GraphQLInputField(ORDER_BY) for c in cols},
                            description=f'order by {fn}() on columns of table "{v.tracked.name}"',
                        )
                    )
            return dict(sorted(f.items()))

        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'order by aggregate values of table "{v.tracked.name}"'
        )
        return self.inputs[name]
