"""Scalars for column types, comparison expression types (`<scalar>_comparison_exp`), order directions and
the aggregate functions per type."""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    value_from_ast_untyped,
)
from graphql.language import ast as gast

NUMERIC_UDTS = {"int2", "int4", "int8", "numeric", "float4", "float8", "money"}


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


GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")  # a GraphQL name (enum values must be one)


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


def input_type_of(schema: GraphQLSchema, name: str) -> GraphQLInputType | None:
    t = schema.get_type(name)
    return t  # type: ignore[return-value]
