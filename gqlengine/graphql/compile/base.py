"""A compilation's state (parameters, aliases, fragments, the response path) and what every part of the
compiler uses: values and variables to SQL parameters, selection sets, function calls."""

from __future__ import annotations

import json
from typing import Any

from graphql.language import ast as gast

from gqlengine.graphql.compile.plan import (
    NonNullVar,
    Param,
    Var,
    ast_value,
    collect_fields,
    fragment_definitions,
    is_session_var,
    q,
    qt,
    to_text,
)
from gqlengine.graphql.schema import RoleSchema, TableView
from gqlengine.metadata.model import Model

_STABLE_INPUT = frozenset(
    {
        "date",
        "interval",
        "time",
        "time with time zone",
        "time without time zone",
        "timestamp",
        "timestamp with time zone",
        "timestamp without time zone",
        "timestamptz",
        "timetz",
    }
)


def _once(expr: str, cast: str) -> str:
    """A parameter cast evaluated once per statement (an init plan) when its input is not immutable."""
    return f"(SELECT {expr})" if cast.lower() in _STABLE_INPUT else expr


def _once_array(expr: str, cast: str) -> str:
    """`_once` for an array: cast again outside the init plan, or `x = ANY((SELECT …))` reads as the
    subquery form of ANY and compares `x` with the whole array (`_in` on a timestamptz column failed)."""
    wrapped = _once(expr, cast)
    return wrapped if wrapped == expr else f"{wrapped}::{cast}[]"


class CompilerBase:
    """The state of one compilation and the helpers every part uses."""

    def __init__(
        self,
        model: Model,
        rs: RoleSchema,
        document: gast.DocumentNode,
        variables: dict[str, Any],
        stringify: bool,
    ) -> None:
        self.model = model
        self.rs = rs
        self.variables = variables
        self.stringify = stringify
        self.params: list[Param] = []
        self.param_index: dict[Param, int] = {}
        self.structural: set[str] = set()
        self.fragments = fragment_definitions(document)
        self.n = 0
        self.compiled_fields = 0  # fields written into the statement so far (MAX_COMPILED_FIELDS)
        self.path: list[str] = []  # response keys from the root to the field being compiled (for errors)

    def args_path(self) -> str:
        return "$" + "".join(f".selectionSet.{p}" for p in self.path) + ".args"

    def param(self, p: Param) -> str:
        if p.kind in ("lit",):
            # Literal values are not de-duplicated: they come from the query text, which is part of the key.
            self.params.append(p)
            return f"${len(self.params)}"
        idx = self.param_index.get(p)
        if idx is None:
            self.params.append(p)
            idx = self.param_index[p] = len(self.params)
        return f"${idx}"

    def alias(self) -> str:
        self.n += 1
        return f"_{self.n}"

    def resolve(self, value: Any) -> Any:
        """A structure the SQL depends on: variables inside it are read now and recorded as structural."""
        if isinstance(value, Var):
            self.structural.add(value.name)
            return self.variables.get(value.name)
        return value

    def _resolve_deep(self, value: Any) -> Any:
        if isinstance(value, Var):
            return self.resolve(value)
        if isinstance(value, dict):
            return {k: self._resolve_deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve_deep(v) for v in value]
        return value

    def scalar(self, value: Any, cast: str, session_ok: bool = False) -> str:
        is_json = cast in ("json", "jsonb")
        if isinstance(value, Var):
            null_error = value.null_error if isinstance(value, NonNullVar) else None
            p = self.param(Param("var", value.name, json=is_json, null_error=null_error))
            return _once(f"{p}::text::{cast}", cast)
        if session_ok and is_session_var(value):
            return _once(f"{self.param(Param('session', value.lower()))}::text::{cast}", cast)
        if is_json:
            value = self._resolve_deep(value)  # variables inside a JSON literal are part of the value
        text = json.dumps(value) if is_json and value is not None else to_text(value)
        return _once(f"{self.param(Param('lit', text))}::text::{cast}", cast)

    def array(self, value: Any, cast: str, session_ok: bool = False) -> str:
        if isinstance(value, Var):
            null_error = value.null_error if isinstance(value, NonNullVar) else None
            p = self.param(Param("var", value.name, array=True, null_error=null_error))
            return _once_array(f"{p}::text[]::{cast}[]", cast)
        if session_ok and is_session_var(value):
            return _once_array(f"{self.param(Param('session', value.lower()))}::text::{cast}[]", cast)
        if value is not None and not isinstance(value, list):  # input coercion: one value is a list of one
            value = [value]
        if isinstance(value, list) and not any(isinstance(v, Var) for v in value):
            p = self.param(Param("lit", [to_text(v) for v in value], array=True))
            return _once_array(f"{p}::text[]::{cast}[]", cast)
        items = [self.scalar(v, cast, session_ok) for v in value or []]
        return f"ARRAY[{', '.join(items)}]::{cast}[]"

    def collect(self, selections: Any) -> dict[str, list[gast.FieldNode]]:
        return collect_fields([selections], self.fragments, self._included)

    def _included(self, sel: Any) -> bool:
        for d in sel.directives or ():
            if d.name.value in ("skip", "include"):
                arg = next((a for a in d.arguments if a.name.value == "if"), None)
                val = self.resolve(ast_value(arg.value)) if arg else False
                if (d.name.value == "skip") == bool(val):
                    return False
        return True

    @staticmethod
    def args(nodes: list[gast.FieldNode]) -> dict[str, Any]:
        return {a.name.value: ast_value(a.value) for a in nodes[0].arguments or ()}

    def sub(self, nodes: list[gast.FieldNode]) -> dict[str, list[gast.FieldNode]]:
        return collect_fields([n.selection_set for n in nodes], self.fragments, self._included)

    def function_call(self, cf: Any, alias: str, values: Any = None) -> str:
        """The call of a computed field's function on row `alias`; `values` are the client's `args`."""
        session = f"{self.param(Param('session_json', None))}::text::json" if cf.session_argument else None
        if not cf.input_args:
            args = [f"{alias}"] * cf.argument_count
            if session is not None:
                args[1 - cf.table_argument_index] = session
            return f"{qt(cf.function)}({', '.join(args)})"
        # Named notation: the row and session may sit anywhere, and arguments left out take their defaults.
        values = self.resolve(values) or {}
        parts = [f"{q(cf.arg_names[cf.table_argument_index])} => {alias}"]
        if session is not None:
            parts.append(f"{q(cf.arg_names[cf.session_argument_index])} => {session}")
        for name, (schema, typ) in cf.input_args:
            if name in values:
                parts.append(f"{q(name)} => {self.scalar(values[name], f'{q(schema)}.{q(typ)}')}")
        return f"{qt(cf.function)}({', '.join(parts)})"

    def computed_expr(self, view: TableView, alias: str, name: str, values: Any = None) -> str:
        cf = view.tracked.computed_fields[name]
        e = self.function_call(cf, alias, values)
        if self.stringify and cf.return_udt in ("int8", "numeric", "float8"):
            return f"({e})::text"
        return e

    @staticmethod
    def join_cond(rel: Any, outer: str, inner: str) -> str:
        return " AND ".join(f"{outer}.{q(a)} = {inner}.{q(b)}" for a, b in rel.mapping) or "true"
