"""Literals Hasura accepts although the GraphQL scalars its schema names would refuse them.

Hasura parses a column's value (insert objects, `_set`, `_inc`, comparisons, primary-key arguments) with the
column type's own parser, and a JSON string there goes to PostgreSQL as text for the column type to read:
`c_int: "32767"` and `c_bool: "true"` are accepted although the schema says Int and Boolean. It parses
`offset` as a BigInt, which takes a string of digits too. graphql-core validates against the declared
scalars, so `relax` answers the document with such literals made acceptable (the compiler binds every value
as text anyway), and `int_out_of_range` words a 32-bit overflow as Hasura's parser does.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, get_named_type, visit
from graphql.language import ast as gast

# Input objects whose scalar fields are column values (server/src-lib/Hasura/Backends/Postgres/Instances/
# Schema.hs, columnParser); `_is_null` is a plain Boolean in every comparison type.
_COLUMN_INPUTS = ("_insert_input", "_set_input", "_inc_input", "_pk_columns_input", "_comparison_exp")
_NOT_COLUMN_FIELDS = {"_is_null"}
_STRICT_SCALARS = {"Int", "Float", "Boolean"}
_INT_OVERFLOW = re.compile(r"Int cannot represent non 32-bit signed integer value: (-?\d+)")


class _ColumnStrings(Visitor):
    """Collects string literals standing for Int/Float/Boolean column values, and `offset` strings."""

    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.column_strings: set[int] = set()
        self.offsets: set[int] = set()
        self.fields: list[str] = []

    def _column_value(self, value: gast.ValueNode) -> None:
        named = get_named_type(self.info.get_input_type())
        if named is None or named.name not in _STRICT_SCALARS:
            return
        items = value.values if isinstance(value, gast.ListValueNode) else (value,)
        self.column_strings.update(id(v) for v in items if isinstance(v, gast.StringValueNode))

    def enter_object_field(self, node: gast.ObjectFieldNode, *_: Any) -> None:
        parent = get_named_type(self.info.get_parent_input_type())
        if (
            parent is not None
            and parent.name.endswith(_COLUMN_INPUTS)
            and node.name.value not in _NOT_COLUMN_FIELDS
        ):
            self._column_value(node.value)

    def enter_field(self, node: gast.FieldNode, *_: Any) -> None:
        self.fields.append(node.name.value)

    def leave_field(self, node: gast.FieldNode, *_: Any) -> None:
        self.fields.pop()

    def enter_argument(self, node: gast.ArgumentNode, *_: Any) -> None:
        if node.name.value == "offset" and isinstance(node.value, gast.StringValueNode):
            self.offsets.add(id(node.value))
        if self.fields and self.fields[-1].endswith("_by_pk"):  # primary-key columns
            self._column_value(node.value)


class _OffsetsAsInts(Visitor):
    def __init__(self, values: set[int]) -> None:
        super().__init__()
        self.values = values

    def enter_string_value(self, node: gast.StringValueNode, *_: Any) -> Any:
        if id(node) in self.values:
            return gast.IntValueNode(value=node.value)
        return None


def relax(
    schema: GraphQLSchema, document: gast.DocumentNode, errors: list[GraphQLError]
) -> tuple[gast.DocumentNode, list[GraphQLError]]:
    """The document and the errors left once Hasura's lenient literals are accepted."""
    info = TypeInfo(schema)
    found = _ColumnStrings(info)
    visit(document, TypeInfoVisitor(info, found))
    offsets = {
        id(n)
        for e in errors
        for n in e.nodes or ()
        if id(n) in found.offsets and isinstance(n, gast.StringValueNode) and re.fullmatch(r"[0-9]+", n.value)
    }
    left = [
        e for e in errors if not any(id(n) in found.column_strings or id(n) in offsets for n in e.nodes or ())
    ]
    if offsets:
        document = visit(document, _OffsetsAsInts(offsets))
    return document, left


def _scientific(digits: str, negative: bool) -> str:
    """Haskell's `show` of an integral Scientific: fixed up to 10^7, else `d.ddde<n>` (trailing zeros cut)."""
    significant = digits.lstrip("0").rstrip("0") or "0"
    exponent = len(digits.lstrip("0"))  # value = 0.<significant> x 10^exponent
    if exponent > 7:
        text = f"{significant[0]}.{significant[1:] or '0'}e{exponent - 1}"
    else:
        text = f"{digits.lstrip('0') or '0'}.0"
    return f"-{text}" if negative else text


def int_out_of_range(message: str) -> str | None:
    """Hasura's parse-failed message for an Int literal beyond 32 bits, or None for any other error."""
    m = _INT_OVERFLOW.fullmatch(message)
    if m is None:
        return None
    number = m[1]
    shown = _scientific(number.lstrip("-"), number.startswith("-"))
    return (
        f"The value {shown} lies outside the bounds or is not an integer. "
        "Maybe it is a float, or is there integer overflow?"
    )
