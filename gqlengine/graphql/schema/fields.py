"""The schema builder's state (the types made so far) and its column helpers: column types, enum tables,
select-column enums, function arguments, stream cursors."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)

from gqlengine.graphql.schema.scalars import (
    COMPARABLE_UDTS,
    GRAPHQL_NAME,
    NUMERIC_UDTS,
    comparison_exp,
    scalar_for,
)
from gqlengine.graphql.schema.views import TableView, role_views
from gqlengine.metadata.model import Model, TrackedTable


class BuilderBase:
    """A role's schema under construction: its types so far and the column helpers."""

    def __init__(self, model: Model, role: str, backend: bool = False, infer_functions: bool = True) -> None:
        self.backend = backend
        self.infer_functions = infer_functions
        self.model = model
        self.role = role
        self.views = role_views(model, role)
        self.objects: dict[str, GraphQLObjectType] = {}
        self.inputs: dict[str, GraphQLInputObjectType] = {}
        self.enums: dict[str, GraphQLEnumType] = {}

    def col_type(self, t: TrackedTable, col: str) -> GraphQLOutputType:
        c = t.table.columns[col]
        s = self.column_scalar(t, col)
        view = self.views.get(t.key)
        nulled = view is not None and col in view.perm.column_filters  # an inherited role's cell may be null
        return s if c.nullable or nulled else GraphQLNonNull(s)

    def column_scalar(self, t: TrackedTable, col: str) -> GraphQLScalarType | GraphQLEnumType:
        """A column's GraphQL type: the enum of the enum table it references, else its scalar."""
        target = t.enum_columns.get(col)
        if target is not None:
            return self.enum_type(self.model.tables[target])
        return scalar_for(t.table.columns[col].udt)

    def enum_type(self, et: TrackedTable) -> GraphQLEnumType:
        name = et.enum_name
        if name not in self.enums:
            values = {
                v: GraphQLEnumValue(v, description=d)
                for v, d in et.enum_values or []
                if GRAPHQL_NAME.fullmatch(v)
            }
            self.enums[name] = GraphQLEnumType(
                name, values or {"_PLACEHOLDER": GraphQLEnumValue("_PLACEHOLDER")}
            )
        return self.enums[name]

    def stream_cursor_input(self, v: TableView) -> GraphQLInputObjectType:
        """`t_stream_cursor_input`: where a streaming subscription starts (one column), which way it goes."""
        t = v.tracked
        name = f"{t.gql_name}_stream_cursor_input"
        if name not in self.inputs:
            if "cursor_ordering" not in self.enums:
                self.enums["cursor_ordering"] = GraphQLEnumType(
                    "cursor_ordering",
                    {
                        "ASC": GraphQLEnumValue("ASC", description="ascending ordering of the cursor"),
                        "DESC": GraphQLEnumValue("DESC", description="descending ordering of the cursor"),
                    },
                    description="ordering argument of a cursor",
                )
            value = GraphQLInputObjectType(
                f"{t.gql_name}_stream_cursor_value_input",
                {c: GraphQLInputField(self.column_scalar(t, c)) for c in v.columns},
                description="Initial value of the column from where the streaming should start",
            )
            self.inputs[name] = GraphQLInputObjectType(
                name,
                {
                    "initial_value": GraphQLInputField(
                        GraphQLNonNull(value), description="Stream column input with initial value"
                    ),
                    "ordering": GraphQLInputField(
                        self.enums["cursor_ordering"], description="cursor ordering"
                    ),
                },
                description=f'Streaming cursor of the table "{t.name}"',
            )
        return self.inputs[name]

    def column_comparison(self, t: TrackedTable, col: str) -> GraphQLInputObjectType:
        target = t.enum_columns.get(col)
        if target is None:
            return comparison_exp(t.table.columns[col].udt)
        enum = self.enum_type(self.model.tables[target])
        name = f"{enum.name}_comparison_exp"
        if name not in self.inputs:
            self.inputs[name] = GraphQLInputObjectType(
                name,
                {
                    "_eq": GraphQLInputField(enum),
                    "_in": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                    "_is_null": GraphQLInputField(GraphQLBoolean),
                    "_neq": GraphQLInputField(enum),
                    "_nin": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                },
                description=f'Boolean expression to compare columns of type "{enum.name}". All fields are '
                "combined with logical 'AND'.",
            )
        return self.inputs[name]

    def select_column_enum(self, v: TableView) -> GraphQLEnumType:
        name = f"{v.tracked.gql_name}_select_column"
        if name not in self.enums:
            self.enums[name] = GraphQLEnumType(
                name,
                {c: GraphQLEnumValue(c, description="column name") for c in v.columns},
                description=f'select columns of table "{v.tracked.name}"',
            )
        return self.enums[name]

    def function_args(self, cf: Any) -> dict[str, GraphQLArgument]:
        """`args: <function>_args` for a computed field whose function takes more than the row."""
        if not cf.input_args:
            return {}
        name = (
            f"{cf.function[1]}_args"
            if cf.function[0] == "public"
            else f"{cf.function[0]}_{cf.function[1]}_args"
        )
        if name not in self.inputs:
            self.inputs[name] = GraphQLInputObjectType(
                name, {n: GraphQLInputField(scalar_for(typ[1])) for n, typ in cf.input_args}
            )
        typ = self.inputs[name]
        return {"args": GraphQLArgument(GraphQLNonNull(typ) if cf.input_args_required else typ)}

    def agg_columns(self, v: TableView, fn: str) -> list[str]:
        udts = NUMERIC_UDTS if fn not in ("max", "min") else COMPARABLE_UDTS
        return [c for c in v.columns if v.tracked.table.columns[c].udt in udts]
