"""What the compiler produces and works with: errors, parameters, the plan of an operation, and SQL text
helpers (quoting, literals, JSON paths)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql.language import ast as gast

# --------------------------------------------------------------------------- errors


class GQLError(Exception):
    """An error Hasura reports in the GraphQL envelope: `{"message", "extensions": {"path", "code"}}`."""

    def __init__(
        self,
        message: str,
        code: str = "validation-failed",
        path: str = "$",
        extensions: dict[str, Any] | None = None,
        internal: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path
        self.extensions = extensions
        self.internal = internal

    def to_json(self, admin: bool = False) -> dict[str, Any]:
        if self.extensions is not None:
            return {"message": self.message, "extensions": self.extensions}
        ext: dict[str, Any] = {"path": self.path, "code": self.code}
        if admin and self.internal is not None:
            ext["internal"] = self.internal
        return {"message": self.message, "extensions": ext}


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class NonNullVar(Var):
    """A variable in an operand position, where Hasura refuses null."""

    null_error: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Param:
    """Where a bound value comes from: a literal, a request variable, or a session variable."""

    kind: str  # "lit" | "var" | "session" | "session_json"
    value: Any  # literal value, variable name, or session variable name
    array: bool = False  # bind as text[] (list of texts)
    json: bool = False  # a json/jsonb value: bind its JSON text (a GraphQL string "a" is the JSON '"a"')
    null_error: tuple[str, str] | None = None  # (message, path) when a null value must be refused


def ast_value(node: gast.ValueNode) -> Any:
    if isinstance(node, gast.VariableNode):
        return Var(node.name.value)
    if isinstance(node, gast.NullValueNode):
        return None
    if isinstance(node, gast.IntValueNode):
        return int(node.value)
    if isinstance(node, gast.FloatValueNode):
        value = float(node.value)
        if not math.isfinite(value):  # 1e400: no column or JSON value holds it
            raise GQLError(f"the number {node.value[:40]} is out of range (beyond a 64-bit float)")
        return value
    if isinstance(node, gast.StringValueNode | gast.EnumValueNode):
        return node.value
    if isinstance(node, gast.BooleanValueNode):
        return node.value
    if isinstance(node, gast.ListValueNode):
        return [ast_value(v) for v in node.values]
    if isinstance(node, gast.ObjectValueNode):
        return {f.name.value: ast_value(f.value) for f in node.fields}
    raise GQLError("unexpected value")


def fragment_definitions(document: gast.DocumentNode) -> dict[str, gast.FragmentDefinitionNode]:
    """The document's fragments by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, gast.FragmentDefinitionNode)}


def collect_fields(
    selection_sets: list[Any],
    fragments: dict[str, gast.FragmentDefinitionNode],
    included: Callable[[Any], bool] = lambda _: True,
) -> dict[str, list[gast.FieldNode]]:
    """The fields of the selection sets merged under one response key, grouped by response key (the
    GraphQL spec's CollectFields). A fragment is expanded once per merged selection (the spec's
    visitedFragments, shared by every node of the key) and a field node is listed once: fragments that
    spread the next one twice, level after level, cost the size of the document instead of 2^levels."""
    out: dict[str, list[gast.FieldNode]] = {}
    visited: set[str] = set()
    listed: set[int] = set()

    def walk(selections: Any) -> None:
        for sel in selections.selections if selections else ():
            if not included(sel):
                continue
            if isinstance(sel, gast.FieldNode):
                if id(sel) not in listed:
                    listed.add(id(sel))
                    out.setdefault((sel.alias or sel.name).value, []).append(sel)
            elif isinstance(sel, gast.InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, gast.FragmentSpreadNode) and sel.name.value not in visited:
                visited.add(sel.name.value)
                walk(fragments[sel.name.value].selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return out


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value)


def pg_array_literal(values: list[Any]) -> str:
    def item(v: Any) -> str:
        if v is None:
            return "NULL"
        s = to_text(v) or ""
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(item(v) for v in values) + "}"


def q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def qt(key: tuple[str, str]) -> str:
    return f"{q(key[0])}.{q(key[1])}"


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# --------------------------------------------------------------------------- plan


@dataclass
class RootItem:
    alias: str
    kind: str  # "sql" | "typename" | "introspection" | "action"
    index: int = -1  # column of the SQL result for "sql"
    value: Any = None  # typename string / introspection field node / action info


MUTATION_KINDS = ("insert", "insert_one", "update", "update_by_pk", "delete", "delete_by_pk")

# jsonb update operators: (new value from the column and the operand, operand type)


@dataclass
class InsertStep:
    """One row of a nested insert: `SELECT <row as JSON>, <failed checks>`; `ref` params read earlier rows."""

    sql: str
    params: list[Param]


@dataclass
class MutationPlan:
    sql: str
    params: list[Param]
    kind: str  # insert | update | delete | none
    path: str
    # A nested insert runs its rows one statement each, in dependency order, then `sql` answers over the
    # rows of `roots` (indexes into `steps`), bound as `nested_rows` / `nested_count` params.
    steps: list[InsertStep] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)


@dataclass
class Compiled:
    items: list[RootItem]
    sql: str | None
    params: list[Param]
    structural_vars: set[str] = field(default_factory=set)
    operation: str = "query"


def is_session_var(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith("x-hasura-")


# Types whose text input depends on session settings (DateStyle, TimeZone, IntervalStyle): PostgreSQL cannot
# fold the cast of a parameter to them and would parse the text again for every row a filter looks at.


# Far above any answer a client reads (the member dashboard compiles about 30 fields).
MAX_COMPILED_FIELDS = 50_000


def json_object(pairs: list[str]) -> str:
    """json_build_object takes at most 100 arguments; larger objects are built in chunks and joined as text
    (a jsonb merge would sort the keys, and the answer must keep the selection's order)."""
    if len(pairs) <= 50:
        return f"json_build_object({', '.join(pairs)})"
    chunks = [pairs[i : i + 50] for i in range(0, len(pairs), 50)]
    inner = ", ".join(f"left(right(json_build_object({', '.join(c)})::text, -1), -1)" for c in chunks)
    return f"('{{' || concat_ws(', ', {inner}) || '}}')::json"
