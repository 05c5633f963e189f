"""graphql-core validation errors → Hasura's messages and `$.selectionSet...` paths."""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, GraphQLSchema, Visitor, visit
from graphql.language import ast as gast

from gqlengine.graphql.compile import GQLError, fragment_definitions
from gqlengine.graphql.leniency import int_out_of_range

_UNKNOWN_INPUT_FIELD = re.compile(r"Expected value of type '(\w+)' not to include unknown field '(\w+)'")
# The names Hasura gives its input object types (the rest of its input types are scalars and enums).
_INPUT_OBJECT_SUFFIXES = (
    "_bool_exp",
    "_comparison_exp",
    "_order_by",
    "_input",
    "_on_conflict",
    "_exp",
    "_updates",
)

_RULES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"Cannot query field '(\w+)' on type '(\w+)'\."),
        lambda m: f"field '{m[1]}' not found in type: '{m[2]}'",
    ),
    (
        re.compile(r"Field '(\w+)' is not defined by type '(\w+)'\."),
        lambda m: f"field '{m[1]}' not found in type: '{m[2]}'",
    ),
    (
        re.compile(r"Unknown argument '(\w+)' on field '\w+\.(\w+)'\."),
        lambda m: f"'{m[2]}' has no argument named '{m[1]}'",
    ),
    (
        re.compile(r"Field '(\w+)' argument '(\w+)' of type '.*' is required, but it was not provided\."),
        lambda m: f"missing required field '{m[2]}'",
    ),
    (
        re.compile(r"Field '\w+\.(\w+)' of required type '.*' was not provided\."),
        lambda m: f"missing required field '{m[1]}'",
    ),
    (
        re.compile(r"Field '(\w+)' of type '.*' must have a selection of subfields\..*"),
        lambda m: f"missing selection set for '{m[1]}'",
    ),
    (
        re.compile(r"Field '(\w+)' must not have a selection since type '(.*)' has no subfields\."),
        lambda m: f"unexpected subselection set for non-object field '{m[1]}'",
    ),
    (
        re.compile(r"Variable '\$(\w+)' of type '(.*)' used in position expecting type '(.*)'\."),
        lambda m: f"variable '{m[1]}' is declared as '{m[2]}', but used where '{m[3]}' is expected",
    ),
    (
        re.compile(r"Expected value of non-null type '(\w+)!' not to be None\."),
        lambda m: (
            f"expected an object for type '{m[1]}', but found null"
            if m[1].endswith(_INPUT_OBJECT_SUFFIXES)
            else f"unexpected null value for type '{m[1]}'"
        ),
    ),
    (re.compile(r"Unknown fragment '(\w+)'\."), lambda m: f"fragment '{m[1]}' is undefined"),
    (re.compile(r"Schema is not configured to execute mutation operation\."), lambda m: "no mutations exist"),
    (re.compile(r"Variable '\$(\w+)' is not defined.*"), lambda m: f"unbound variable '{m[1]}'"),
    # A cycle the operation reaches is named by _fragment_cycle; this is for one it never spreads.
    (
        re.compile(r"Cannot spread fragment '(\w+)' within itself.*"),
        lambda m: f"the fragment definition(s) {m[1]} form a cycle",
    ),
]


def _walk(
    op: gast.OperationDefinitionNode, fragments: dict[str, gast.FragmentDefinitionNode]
) -> dict[int, str]:
    paths: dict[int, str] = {}

    def value(node: gast.ValueNode, path: str) -> None:
        paths.setdefault(id(node), path)
        if isinstance(node, gast.ObjectValueNode):
            for f in node.fields:
                p = f"{path}.{f.name.value}"
                paths.setdefault(id(f), p)
                value(f.value, p)
        elif isinstance(node, gast.ListValueNode):
            for i, v in enumerate(node.values):
                value(v, f"{path}[{i}]")

    # A fragment is walked once, at its first use: its nodes keep the first path anyway (setdefault), and
    # walking it again at every spread would cost 2^levels for fragments that spread the next one twice.
    walked: set[str] = set()

    def selections(sel: Any, path: str) -> None:
        for s in sel.selections if sel else ():
            if isinstance(s, gast.FieldNode):
                p = f"{path}.selectionSet.{(s.alias or s.name).value}"
                paths.setdefault(id(s), p)
                for a in s.arguments or ():
                    ap = f"{p}.args.{a.name.value}"
                    paths.setdefault(id(a), ap)
                    value(a.value, ap)
                selections(s.selection_set, p)
            elif isinstance(s, gast.InlineFragmentNode):
                selections(s.selection_set, path)
            elif isinstance(s, gast.FragmentSpreadNode):
                paths.setdefault(id(s), path)
                frag = fragments.get(s.name.value)
                if frag is not None and s.name.value not in walked:
                    walked.add(s.name.value)
                    selections(frag.selection_set, path)

    selections(op.selection_set, "$")
    return paths


def _english_list(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])}, and {names[-1]}"


def _fragment_cycle(
    op: gast.OperationDefinitionNode, fragments: dict[str, gast.FragmentDefinitionNode]
) -> GQLError | None:
    """The first cycle met while inlining fragments depth-first, named and located as Hasura's inliner does
    (a spread adds `.selectionSet`, then the fragment's name; a fragment inlined once is not walked again)."""
    done: set[str] = set()

    def walk(sel: Any, path: str, stack: list[str]) -> GQLError | None:
        for s in sel.selections if sel else ():
            if isinstance(s, gast.FieldNode):
                found = walk(s.selection_set, f"{path}.selectionSet.{s.name.value}", stack)
            elif isinstance(s, gast.InlineFragmentNode):
                found = walk(s.selection_set, path, stack)
            else:
                name, at = s.name.value, f"{path}.selectionSet"
                if name in done or name not in fragments:
                    continue
                if name in stack:
                    cycle = [name, *stack[stack.index(name) + 1 :]]
                    message = f"the fragment definition(s) {_english_list(cycle)} form a cycle"
                    return GQLError(message, "validation-failed", at)
                found = walk(fragments[name].selection_set, f"{at}.{name}", [*stack, name])
                done.add(name)
            if found is not None:
                return found
        return None

    return walk(op.selection_set, "$", [])


_ENUM_STRING = re.compile(r"Enum '(\w+)' cannot represent non-enum value: .*")
_ENUM_UNKNOWN = re.compile(r"Value '(.*)' does not exist in '(\w+)' enum\.")


def _enum_message(message: str, schema: GraphQLSchema | None) -> str | None:
    """Hasura's words for an enum literal graphql-core refused (a string, or a value not in the enum)."""
    if m := _ENUM_STRING.match(message):
        return f"expected an enum value for type '{m[1]}', but found a string"
    if (m := _ENUM_UNKNOWN.fullmatch(message)) and schema is not None:
        enum = schema.type_map.get(m[2])
        values = sorted(getattr(enum, "values", {}) or {})
        return f"expected one of the values {values} for type '{m[2]}', but found '{m[1]}'"
    return None


def translate(
    err: GraphQLError,
    document: gast.DocumentNode,
    op: gast.OperationDefinitionNode | None,
    schema: GraphQLSchema | None = None,
) -> GQLError:
    message = re.sub(r" Did you mean .*\?$", "", err.message)
    message = _enum_message(message, schema) or message
    suffix = ""
    m = _UNKNOWN_INPUT_FIELD.match(message)
    if m:
        message = f"field '{m[2]}' not found in type: '{m[1]}'"
        suffix = f".{m[2]}"
    for pattern, fmt in _RULES:
        m = pattern.fullmatch(message)
        if m:
            message = fmt(m)
            break
    path = "$"
    fragments = fragment_definitions(document)
    if op is not None and err.message.startswith("Cannot spread fragment"):
        cycle = _fragment_cycle(op, fragments)
        if cycle is not None:
            return cycle
    if op is not None and err.nodes:
        paths = _walk(op, fragments)
        for node in reversed(err.nodes):
            if id(node) in paths:
                path = paths[id(node)]
                break
    code = "validation-failed"
    overflow = int_out_of_range(err.message)
    if overflow is not None:
        message, code = overflow, "parse-failed"
    if suffix and not path.endswith(suffix):
        path += suffix
    if path.endswith((".args.limit", ".args.offset")) and message.startswith("Int cannot represent"):
        message = "expected a non-negative 32-bit integer for type 'Int', but found a string"
    if message.startswith("'") and " has no argument named " in message:
        path = re.sub(r"\.args\.\w+$", "", path)  # Hasura points at the field, not the argument
    return GQLError(message, code, path)


_NULL_VARIABLE = re.compile(
    r"Variable '\$\w+' (?:of non-null type '(.+)' must not be null|has invalid value: "
    r"Expected value of non-null type '(.+)' not to be None)\."
)


_MISSING_VARIABLE = re.compile(
    r"Variable '\$(\w+)' has invalid value: Expected a value of non-null type '.+' to be provided\."
)
_BAD_VARIABLE = re.compile(r"Variable '\$(\w+)' has invalid value: (.*)")


def variable_error(
    message: str,
    schema: GraphQLSchema | None = None,
    op: gast.OperationDefinitionNode | None = None,
    document: gast.DocumentNode | None = None,
) -> GQLError:
    """A variable's value graphql-core refused, in Hasura's words where we know them (Hasura parses a
    variable where it is used, so its errors point there)."""
    message = re.sub(r" Did you mean .*\?$", "", message)
    m = _NULL_VARIABLE.fullmatch(message)
    if m:
        return GQLError(f'null value found for non-nullable type: "{m[1] or m[2]}"', "validation-failed", "$")
    m = _MISSING_VARIABLE.fullmatch(message)
    if m:
        return GQLError(f'expecting a value for non-nullable variable: "{m[1]}"', "validation-failed", "$")
    m = _BAD_VARIABLE.fullmatch(message)
    if m and (enum := _enum_message(m[2], schema)) and op is not None and document is not None:
        fragments = fragment_definitions(document)
        paths = _walk(op, fragments)
        used = [paths[id(n)] for n in _variable_nodes(op, m[1]) if id(n) in paths]
        return GQLError(enum, "validation-failed", used[0] if used else "$")
    return GQLError(message, "validation-failed", "$.variableValues")


def _variable_nodes(op: gast.OperationDefinitionNode, name: str) -> list[gast.VariableNode]:
    found: list[gast.VariableNode] = []

    class Collect(Visitor):
        def enter_variable(self, node: gast.VariableNode, *_: Any) -> None:
            if node.name.value == name:
                found.append(node)

    visit(op.selection_set, Collect())
    return found
