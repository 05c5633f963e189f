"""/api/swagger/json: the OpenAPI 3.0 document Hasura generates for the REST endpoints.

Each endpoint's operation is analysed against the admin schema: the selected fields give the response
schema, the variables the parameters (known scalars only) and, for POST/PUT/PATCH, the request body.
Non-standard scalars, enums and input objects are declared once under `components.schemas`, by name, with
a `!` suffix for the non-nullable form. Fields the schema does not have are listed in the description.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.language import ast as gast
from graphql.utilities import type_from_ast

from gqlengine.graphql.execute import Engine
from gqlengine.metadata import query_collections as qc

_UUID_PATTERN = "[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}"
# Scalars with an OpenAPI equivalent: (type, pattern, inlined rather than declared).
_KNOWN: dict[str, tuple[str, str | None, bool]] = {
    "int": ("integer", None, True),
    "float": ("number", None, True),
    "double": ("number", None, True),
    "uuid": ("string", _UUID_PATTERN, False),
    "bool": ("boolean", None, True),
    "boolean": ("boolean", None, True),
    "string": ("string", None, True),
    "id": ("string", None, True),
}
_ADMIN_SECRET = {
    "name": "x-hasura-admin-secret",
    "description": "Your x-hasura-admin-secret will be used for authentication of the API request.",
    "in": "header",
    "schema": {"type": "string"},
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


class _Builder:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = {}
        self.building: set[str] = set()

    def declare(self, name: str, nullable: bool, schema: dict[str, Any]) -> dict[str, Any]:
        ref = name if nullable else f"{name}!"
        self.defs[ref] = schema
        return _ref(ref)

    def modifiers(self, t: Any, named: Any) -> dict[str, Any]:
        nullable = not isinstance(t, GraphQLNonNull)
        inner = t.of_type if isinstance(t, GraphQLNonNull) else t
        if isinstance(inner, GraphQLList):
            return {"nullable": nullable, "type": "array", "items": self.modifiers(inner.of_type, named)}
        return named(inner, nullable)  # type: ignore[no-any-return]

    def scalar(self, t: GraphQLScalarType, nullable: bool) -> dict[str, Any]:
        base: dict[str, Any] = {"title": t.name, "nullable": nullable}
        known = _KNOWN.get(t.name.lower())
        if known is None:
            if t.description:
                base["description"] = t.description
            return self.declare(t.name, nullable, base)
        base["type"] = known[0]
        if known[1]:
            base["pattern"] = known[1]
        return base if known[2] else self.declare(t.name, nullable, base)

    def enum(self, t: GraphQLEnumType, nullable: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"title": t.name, "enum": list(t.values), "nullable": nullable}
        if t.description:
            out["description"] = t.description
        return self.declare(t.name, nullable, out)

    def input_named(self, t: Any, nullable: bool) -> dict[str, Any]:
        if isinstance(t, GraphQLScalarType):
            return self.scalar(t, nullable)
        if isinstance(t, GraphQLEnumType):
            return self.enum(t, nullable)
        assert isinstance(t, GraphQLInputObjectType)
        ref = t.name if nullable else f"{t.name}!"
        if ref in self.building or ref in self.defs:
            return _ref(ref)
        self.building.add(ref)
        props = {name: self.input_type(f.type) for name, f in t.fields.items()}
        self.building.discard(ref)
        out: dict[str, Any] = {"title": t.name}
        if t.description:
            out["description"] = t.description
        out.update({"properties": props, "type": "object", "nullable": nullable})
        return self.declare(t.name, nullable, out)

    def input_type(self, t: Any) -> dict[str, Any]:
        return self.modifiers(t, self.input_named)

    # ------------------------------------------------------------ response

    def selection(self, fields: dict[str, Any]) -> dict[str, Any]:
        props = {key: self.output(f) for key, f in fields.items()}
        return {"properties": props} if props else {}

    def output(self, f: tuple[Any, dict[str, Any] | None]) -> dict[str, Any]:
        t, sub = f

        def named(inner: Any, nullable: bool) -> dict[str, Any]:
            if isinstance(inner, GraphQLScalarType):
                return self.scalar(inner, nullable)
            if isinstance(inner, GraphQLEnumType):
                return self.enum(inner, nullable)
            out: dict[str, Any] = {"title": inner.name}
            if inner.description:
                out["description"] = inner.description
            out.update({"type": "object", "nullable": nullable})
            out.update(self.selection(sub or {}))
            return out

        return self.modifiers(t, named)


def _analyse(
    schema: GraphQLSchema,
    parent: Any,
    selection_set: gast.SelectionSetNode | None,
    path: str,
    frags: dict[str, gast.FragmentDefinitionNode],
    out: dict[str, Any],
    messages: list[str],
    visited: set[str] | None = None,
) -> None:
    """The response fields by response key (repeated keys merge), and the fields the schema lacks. A
    fragment is entered once per selection set (the spec's visitedFragments), so its cost is its size."""
    if selection_set is None:
        return
    visited = set() if visited is None else visited
    for sel in selection_set.selections:
        if isinstance(sel, gast.FieldNode):
            name = sel.name.value
            if name.startswith("__"):
                continue
            fields = getattr(parent, "fields", {})
            key = sel.alias.value if sel.alias else name
            if name not in fields:
                messages.append(f"{path}.{key}: field '{name}' not found in object '{parent.name}'")
                continue
            t = fields[name].type
            named = get_named_type(t)
            entry = out.setdefault(key, (t, {} if isinstance(named, GraphQLObjectType) else None))
            if entry[1] is not None:
                _analyse(schema, named, sel.selection_set, f"{path}.{key}", frags, entry[1], messages)
        elif isinstance(sel, gast.InlineFragmentNode):
            target = schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            _analyse(schema, target or parent, sel.selection_set, path, frags, out, messages, visited)
        elif isinstance(sel, gast.FragmentSpreadNode) and sel.name.value not in visited:
            visited.add(sel.name.value)
            if (frag := frags.get(sel.name.value)) is not None:
                target = schema.get_type(frag.type_condition.name.value)
                _analyse(schema, target or parent, frag.selection_set, path, frags, out, messages, visited)


def _root(schema: GraphQLSchema, op: gast.OperationDefinitionNode) -> Any:
    if op.operation == gast.OperationType.MUTATION:
        return schema.mutation_type
    return schema.query_type


def _operation(b: _Builder, e: qc.Endpoint, method: str) -> tuple[dict[str, Any], list[str]]:
    schema = b.schema
    frags = {d.name.value: d for d in e.document.definitions if isinstance(d, gast.FragmentDefinitionNode)}
    fields: dict[str, Any] = {}
    messages: list[str] = []
    root = _root(schema, e.operation)
    if root is not None:
        _analyse(schema, root, e.operation.selection_set, "$", frags, fields, messages)
    url = "/api/rest/" + "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in e.segments)
    path_vars = set(e.variables)
    params: list[dict[str, Any]] = [dict(_ADMIN_SECRET)]
    body_props: dict[str, Any] = {}
    body_required = False
    variables = sorted(e.operation.variable_definitions or (), key=lambda v: v.variable.name.value)
    for v in variables:
        name = v.variable.name.value
        t = type_from_ast(schema, v.type)
        if t is None:
            continue
        named = get_named_type(t)
        default = value_from_ast_untyped(v.default_value) if v.default_value is not None else None
        has_default = v.default_value is not None
        nullable = not isinstance(v.type, gast.NonNullTypeNode)
        is_list = isinstance(
            v.type.type if isinstance(v.type, gast.NonNullTypeNode) else v.type, gast.ListTypeNode
        )
        known = _KNOWN.get(named.name.lower()) if isinstance(named, GraphQLScalarType) else None
        if known is not None and not is_list:
            in_path = name in path_vars
            required = not (nullable or has_default) or in_path
            param: dict[str, Any] = {"name": name}
            if in_path:
                param["description"] = f'_"{name}" is required as part of the path_'
            elif required:
                param["description"] = (
                    f'_"{name}" is required (enter it either in parameters or request body)_'
                )
            schema_: dict[str, Any] = {"type": known[0]}
            if has_default:
                schema_["default"] = default
            if known[1]:
                schema_["pattern"] = known[1]
            param.update({"in": "path" if in_path else "query", "required": required, "schema": schema_})
            params.append(param)
        if method in ("POST", "PUT", "PATCH"):
            var_schema = b.input_type(t)
            if has_default:
                if "$ref" in var_schema:
                    var_schema = dict(b.defs[var_schema["$ref"].rsplit("/", 1)[1]])
                var_schema = {**var_schema, "default": default}
            body_props[name] = var_schema
            optional = has_default or nullable or (known is not None and not is_list)
            body_required = body_required or not optional
    op: dict[str, Any] = {
        "summary": e.name,
        "description": (e.comment or "")
        + "***\nThe GraphQl query for this endpoint is:\n``` graphql\n"
        + e.query
        + "\n```",
        "parameters": params,
    }
    if body_props:
        op["requestBody"] = {
            "description": "Query parameters can also be provided in the request body as a JSON object",
            "required": body_required,
            "content": {"application/json": {"schema": {"type": "object", "properties": body_props}}},
        }
    op["responses"] = {
        "200": {
            "content": {"application/json": {"schema": b.selection(fields)}},
            "description": f"Responses for {method} {url}",
        }
    }
    return {url: {method.lower(): op}}, messages


def document(engine: Engine) -> dict[str, Any]:
    assert engine.model is not None
    endpoints = qc.endpoints(engine.doc)
    b = (
        _Builder(qc.admin_schema(engine.model, engine.settings.infer_function_permissions))
        if endpoints
        else None
    )
    paths: dict[str, Any] = {}
    notes = ""
    for e in endpoints:
        assert b is not None
        messages: list[str] = []
        for method in e.methods:
            item, messages = _operation(b, e, method)
            for url, ops in item.items():
                paths.setdefault(url, {}).update(ops)
        if messages:
            notes += f'\n\nEndpoint "{e.name}":' + "".join(f"\n- ⚠️ {m}" for m in messages)
    out: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": {
            "version": "",
            "title": "Rest Endpoints",
            "description": "This OpenAPI specification is automatically generated by Hasura." + notes,
        },
    }
    if paths:
        out["paths"] = paths
    out["components"] = {"schemas": b.defs} if b is not None and b.defs else {}
    return out
