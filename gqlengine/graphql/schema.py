"""One graphql-core schema per role, with Hasura v2's type and field names.

The schema is used for parsing, validation and introspection only; execution is compiled SQL. Next to the
graphql-core objects, each role schema keeps `RoleSchema.tables`: which table (and which permission) a
GraphQL object type stands for, which the compiler reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    value_from_ast_untyped,
)
from graphql.language import ast as gast

from gqlengine.metadata.model import Model, SelectPermission, TrackedTable

ADMIN = "admin"

NUMERIC_UDTS = {"int2", "int4", "int8", "numeric", "float4", "float8", "money"}
# Types whose min/max Hasura offers (numeric plus orderable non-numeric types).
COMPARABLE_UDTS = NUMERIC_UDTS | {
    "text",
    "varchar",
    "bpchar",
    "citext",
    "date",
    "timestamp",
    "timestamptz",
    "time",
    "timetz",
    "interval",
    "uuid",
    "name",
}
TEXT_UDTS = {"text", "varchar", "bpchar", "citext", "name"}
_BUILTIN = {
    "int4": GraphQLInt,
    "bool": GraphQLBoolean,
    "float4": GraphQLFloat,
    "text": GraphQLString,
    "varchar": GraphQLString,
}
_NAMES = {"int2": "smallint", "int8": "bigint", "bpchar": "bpchar"}


def _parse_literal(node: gast.ValueNode, variables: dict[str, Any] | None = None) -> Any:
    return value_from_ast_untyped(node, variables)


_scalars: dict[str, GraphQLScalarType] = {}


def scalar_name(udt: str) -> str:
    builtin = _BUILTIN.get(udt)
    if builtin is not None:
        return builtin.name
    return _NAMES.get(udt, udt)


_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")  # a GraphQL name (enum values must be one)


def scalar_for(udt: str) -> GraphQLScalarType:
    builtin = _BUILTIN.get(udt)
    if builtin is not None:
        return builtin
    name = _NAMES.get(udt, udt)
    if name not in _scalars:
        _scalars[name] = GraphQLScalarType(
            name, serialize=lambda v: v, parse_value=lambda v: v, parse_literal=_parse_literal
        )
    return _scalars[name]


ORDER_BY = GraphQLEnumType(
    "order_by",
    {
        "asc": GraphQLEnumValue("asc", description="in ascending order, nulls last"),
        "asc_nulls_first": GraphQLEnumValue("asc_nulls_first", description="in ascending order, nulls first"),
        "asc_nulls_last": GraphQLEnumValue("asc_nulls_last", description="in ascending order, nulls last"),
        "desc": GraphQLEnumValue("desc", description="in descending order, nulls first"),
        "desc_nulls_first": GraphQLEnumValue(
            "desc_nulls_first", description="in descending order, nulls first"
        ),
        "desc_nulls_last": GraphQLEnumValue("desc_nulls_last", description="in descending order, nulls last"),
    },
    description="column ordering options",
)

TEXT_OPS = (
    "_like",
    "_nlike",
    "_ilike",
    "_nilike",
    "_similar",
    "_nsimilar",
    "_regex",
    "_iregex",
    "_nregex",
    "_niregex",
)
_comparisons: dict[str, GraphQLInputObjectType] = {}


def comparison_exp(udt: str) -> GraphQLInputObjectType:
    sname = scalar_name(udt)
    if sname in _comparisons:
        return _comparisons[sname]
    s = scalar_for(udt)

    def fields() -> dict[str, GraphQLInputField]:
        f: dict[str, GraphQLInputField] = {}
        for op in ("_eq", "_gt", "_gte", "_lt", "_lte", "_neq"):
            f[op] = GraphQLInputField(s)
        f["_in"] = GraphQLInputField(GraphQLList(GraphQLNonNull(s)))
        f["_nin"] = GraphQLInputField(GraphQLList(GraphQLNonNull(s)))
        f["_is_null"] = GraphQLInputField(GraphQLBoolean)
        if udt in TEXT_UDTS:
            for op in TEXT_OPS:
                f[op] = GraphQLInputField(s)
        if udt == "jsonb":
            f["_cast"] = GraphQLInputField(_jsonb_cast())
            f["_contained_in"] = GraphQLInputField(s)
            f["_contains"] = GraphQLInputField(s)
            f["_has_key"] = GraphQLInputField(GraphQLString)
            f["_has_keys_all"] = GraphQLInputField(GraphQLList(GraphQLNonNull(GraphQLString)))
            f["_has_keys_any"] = GraphQLInputField(GraphQLList(GraphQLNonNull(GraphQLString)))
        return dict(sorted(f.items()))

    t = GraphQLInputObjectType(
        f"{sname}_comparison_exp",
        fields,
        description=f'Boolean expression to compare columns of type "{sname}". All fields are combined with '
        "logical 'AND'.",
    )
    _comparisons[sname] = t
    return t


_jsonb_cast_type: list[GraphQLInputObjectType] = []


def _jsonb_cast() -> GraphQLInputObjectType:
    if not _jsonb_cast_type:
        _jsonb_cast_type.append(
            GraphQLInputObjectType(
                "jsonb_cast_exp", lambda: {"String": GraphQLInputField(comparison_exp("text"))}
            )
        )
    return _jsonb_cast_type[0]


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


class _Builder:
    def __init__(self, model: Model, role: str, backend: bool = False, infer_functions: bool = True) -> None:
        self.backend = backend
        self.infer_functions = infer_functions
        self.model = model
        self.role = role
        self.views = role_views(model, role)
        self.objects: dict[str, GraphQLObjectType] = {}
        self.inputs: dict[str, GraphQLInputObjectType] = {}
        self.enums: dict[str, GraphQLEnumType] = {}

    # ---- helpers
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
                v: GraphQLEnumValue(v, description=d) for v, d in et.enum_values or [] if _NAME.fullmatch(v)
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

    # ---- input types
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

    def agg_columns(self, v: TableView, fn: str) -> list[str]:
        udts = NUMERIC_UDTS if fn not in ("max", "min") else COMPARABLE_UDTS
        return [c for c in v.columns if v.tracked.table.columns[c].udt in udts]

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

    # ---- output types
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

    # ---- mutations
    def _input(
        self, name: str, t: TrackedTable, cols: list[str], description: str, required: bool = False
    ) -> GraphQLInputObjectType:
        if name not in self.inputs:
            fields = {}
            for c in cols:
                s = self.column_scalar(t, c)
                fields[c] = GraphQLInputField(GraphQLNonNull(s) if required else s)
            self.inputs[name] = GraphQLInputObjectType(name, fields, description=description)
        return self.inputs[name]

    def insert_input(self, t: TrackedTable) -> GraphQLInputObjectType | None:
        """`t_insert_input`: the role's insertable columns, and a field per relationship to a table the role
        may insert into (`{data, on_conflict}`: nested inserts). None when the role may not insert."""
        name = f"{t.gql_name}_insert_input"
        if name in self.inputs:
            return self.inputs[name]
        perms = mutation_perms(t, self.role, self.backend)
        if "insert" not in perms or not perms["insert"]["columns"] or not t.table.updatable & 8:
            return None
        cols = perms["insert"]["columns"]

        def fields() -> dict[str, GraphQLInputField]:
            out = {c: GraphQLInputField(self.column_scalar(t, c)) for c in cols}
            for rel in t.relationships.values():
                target = self.model.tables.get(rel.target)
                inner = self.insert_input(target) if target is not None else None
                if target is None or inner is None:
                    continue
                out[rel.name] = GraphQLInputField(self.rel_insert_input(target, rel.kind, inner))
            return out

        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'input type for inserting data into table "{t.name}"'
        )
        return self.inputs[name]

    def rel_insert_input(
        self, t: TrackedTable, kind: str, inner: GraphQLInputObjectType
    ) -> GraphQLInputObjectType:
        short = "obj" if kind == "object" else "arr"
        name = f"{t.gql_name}_{short}_rel_insert_input"
        if name not in self.inputs:
            data = (
                GraphQLNonNull(inner)
                if kind == "object"
                else GraphQLNonNull(GraphQLList(GraphQLNonNull(inner)))
            )
            fields: dict[str, GraphQLInputField] = {"data": GraphQLInputField(data)}
            perms = mutation_perms(t, self.role, self.backend)
            if "update" in perms:
                conflict = self.on_conflict(t, self.views.get(t.key), perms["update"]["columns"])
                if conflict is not None:
                    fields["on_conflict"] = GraphQLInputField(conflict, description="upsert condition")
            self.inputs[name] = GraphQLInputObjectType(
                name,
                fields,
                description=f'input type for inserting {kind} relation for remote table "{t.name}"',
            )
        return self.inputs[name]

    def mutation_response(self, t: TrackedTable, sel: TableView | None) -> GraphQLObjectType:
        name = f"{t.gql_name}_mutation_response"
        if name not in self.objects:
            f: dict[str, GraphQLField] = {
                "affected_rows": GraphQLField(
                    GraphQLNonNull(GraphQLInt), description="number of rows affected by the mutation"
                )
            }
            if sel is not None and sel.selectable:
                f["returning"] = GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(sel)))),
                    description="data from the rows affected by the mutation",
                )
            self.objects[name] = GraphQLObjectType(
                name, f, description=f'response of any mutation on the table "{t.name}"'
            )
        return self.objects[name]

    def on_conflict(
        self, t: TrackedTable, sel: TableView | None, update_cols: list[str]
    ) -> GraphQLInputObjectType | None:
        """`t_on_conflict`: only for a table with unique constraints and a role that may update it."""
        g = t.gql_name
        cons = t.table.unique_constraints
        if not cons:
            return None
        name = f"{g}_on_conflict"
        if name in self.inputs:
            return self.inputs[name]
        constraint = GraphQLEnumType(
            f"{g}_constraint",
            {
                c: GraphQLEnumValue(
                    c, description=f"unique or primary key constraint on columns {', '.join(map(repr, cols))}"
                )
                for c, cols in sorted(cons.items())
            },
            description=f'unique or primary key constraints on table "{t.name}"',
        )
        columns = GraphQLEnumType(
            f"{g}_update_column",
            {c: GraphQLEnumValue(c, description="column name") for c in update_cols}
            or {"_PLACEHOLDER": GraphQLEnumValue("_PLACEHOLDER", description="placeholder (do not use)")},
            description=f'update columns of table "{t.name}"',
        )
        fields: dict[str, GraphQLInputField] = {
            "constraint": GraphQLInputField(GraphQLNonNull(constraint)),
            "update_columns": GraphQLInputField(
                GraphQLNonNull(GraphQLList(GraphQLNonNull(columns))), default_value=[]
            ),
        }
        if sel is not None and sel.selectable:
            fields["where"] = GraphQLInputField(self.bool_exp(sel))
        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'on_conflict condition type for table "{t.name}"'
        )
        return self.inputs[name]

    def update_ops(self, t: TrackedTable, cols: list[str]) -> dict[str, GraphQLInputObjectType]:
        """The update operators of a role: `_set`, `_inc` (numeric columns), and the jsonb operators."""
        g = t.gql_name
        ops = {
            "_set": self._input(
                f"{g}_set_input", t, cols, f'input type for updating data in table "{t.name}"'
            )
        }
        inc = [c for c in cols if t.table.columns[c].udt in NUMERIC_UDTS]
        if inc:
            ops["_inc"] = self._input(
                f"{g}_inc_input", t, inc, f'input type for incrementing numeric columns in table "{t.name}"'
            )
        jsonb = [c for c in cols if t.table.columns[c].udt == "jsonb"]
        if jsonb:
            kinds: list[tuple[str, str, GraphQLInputType, str]] = [
                ("_append", "append_input", scalar_for("jsonb"), "append existing jsonb value"),
                ("_prepend", "prepend_input", scalar_for("jsonb"), "prepend existing jsonb value"),
                ("_delete_key", "delete_key_input", GraphQLString, "delete key/value pair or string element"),
                (
                    "_delete_elem",
                    "delete_elem_input",
                    GraphQLInt,
                    "delete the array element with specified index",
                ),
                (
                    "_delete_at_path",
                    "delete_at_path_input",
                    GraphQLList(GraphQLNonNull(GraphQLString)),
                    "delete the field or element with specified path",
                ),
            ]
            for arg, suffix, typ, what in kinds:
                name = f"{g}_{suffix}"
                if name not in self.inputs:
                    self.inputs[name] = GraphQLInputObjectType(
                        name,
                        {c: GraphQLInputField(typ) for c in jsonb},
                        description=f"{what} of filtered columns with given value",
                    )
                ops[arg] = self.inputs[name]
        return ops

    def table_mutations(self, rs: RoleSchema, mfields: dict[str, GraphQLField]) -> None:
        for key, t in sorted(self.model.tables.items(), key=lambda kv: kv[1].gql_name):
            if t.table.kind not in ("r", "p", "v", "f"):
                continue
            # Views (and foreign tables) take the mutations PostgreSQL can run on them.
            allowed = {"insert": 8, "update": 4, "delete": 16}
            perms = {
                k: p
                for k, p in mutation_perms(t, self.role, self.backend).items()
                if t.table.updatable & allowed[k]
            }
            sel = self.views.get(key)
            g = t.gql_name
            pk = t.table.primary_key
            one = sel is not None and sel.selectable
            for kind, perm in perms.items():
                rs.mutation_perms[(key, kind)] = perm
            ins = self.insert_input(t) if "insert" in perms else None
            if ins is not None:
                conflict = self.on_conflict(t, sel, perms["update"]["columns"]) if "update" in perms else None
                extra = {"on_conflict": GraphQLArgument(conflict)} if conflict is not None else {}
                mfields[t.root_fields["insert"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={
                        "objects": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(ins)))),
                        **extra,
                    },
                    description=t.root_field_description("insert", f'insert data into the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["insert"]] = RootField("insert", key)
                if one:
                    mfields[t.root_fields["insert_one"]] = GraphQLField(
                        self.object(sel),  # type: ignore[arg-type]
                        args={"object": GraphQLArgument(GraphQLNonNull(ins)), **extra},
                        description=t.root_field_description(
                            "insert_one", f'insert a single row into the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["insert_one"]] = RootField("insert_one", key)
            if sel is None:
                continue  # update and delete filter rows with the select permission's bool_exp
            pk_args = {c: GraphQLArgument(GraphQLNonNull(self.column_scalar(t, c))) for c in pk}
            if "update" in perms and perms["update"]["columns"]:
                ops = self.update_ops(t, perms["update"]["columns"])
                args = {op: GraphQLArgument(typ) for op, typ in ops.items()}
                mfields[t.root_fields["update"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={**args, "where": GraphQLArgument(GraphQLNonNull(self.bool_exp(sel)))},
                    description=t.root_field_description("update", f'update data of the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["update"]] = RootField("update", key)
                updates = GraphQLInputObjectType(
                    f"{g}_updates",
                    {
                        **{op: GraphQLInputField(typ) for op, typ in ops.items()},
                        "where": GraphQLInputField(
                            GraphQLNonNull(self.bool_exp(sel)),
                            description="filter the rows which have to be updated",
                        ),
                    },
                )
                mfields[t.root_fields["update_many"]] = GraphQLField(
                    GraphQLList(self.mutation_response(t, sel)),
                    args={"updates": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(updates))))},
                    description=t.root_field_description(
                        "update_many", f'update multiples rows of table: "{t.name}"'
                    ),
                )
                rs.mutation_fields[t.root_fields["update_many"]] = RootField("update_many", key)
                if pk and one:
                    pkc = self._input(
                        f"{g}_pk_columns_input", t, pk, f"primary key columns input for table: {t.name}", True
                    )
                    mfields[t.root_fields["update_by_pk"]] = GraphQLField(
                        self.object(sel),
                        args={**args, "pk_columns": GraphQLArgument(GraphQLNonNull(pkc))},
                        description=t.root_field_description(
                            "update_by_pk", f'update single row of the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["update_by_pk"]] = RootField("update_by_pk", key)
            if "delete" in perms:
                mfields[t.root_fields["delete"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={"where": GraphQLArgument(GraphQLNonNull(self.bool_exp(sel)))},
                    description=t.root_field_description("delete", f'delete data from the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["delete"]] = RootField("delete", key)
                if pk and one:
                    mfields[t.root_fields["delete_by_pk"]] = GraphQLField(
                        self.object(sel),
                        args=pk_args,
                        description=t.root_field_description(
                            "delete_by_pk", f'delete single row from the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["delete_by_pk"]] = RootField("delete_by_pk", key)

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


AGG_FUNCTIONS = (
    "avg",
    "max",
    "min",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "sum",
    "var_pop",
    "var_samp",
    "variance",
)


def build_role_schema(
    model: Model, role: str, action_types: Any = None, backend: bool = False, infer_functions: bool = True
) -> RoleSchema:
    return _Builder(model, role, backend, infer_functions).build(action_types)


def input_type_of(schema: GraphQLSchema, name: str) -> GraphQLInputType | None:
    t = schema.get_type(name)
    return t  # type: ignore[return-value]
