"""Synchronous actions: their GraphQL types (from actions.graphql custom types) and the webhook proxy.

The request and response contract is Hasura's (contract §5.2–5.3): body `{action: {name}, input,
session_variables, request_query}`; 2xx = output validated against the declared type; 4xx with `message`
(and optional `extensions`, passed through verbatim); anything else = `internal error` / `unexpected`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    GraphQLType,
    value_from_ast,
)
from graphql.language import ast as gast
from graphql.language.parser import parse_type

from gqlengine.compile import GQLError
from gqlengine.metadata import Action, Model
from gqlengine.schema import ADMIN, RoleSchema, scalar_for

if TYPE_CHECKING:
    from gqlengine.auth import Session
    from gqlengine.execute import Engine

_BUILTINS: dict[str, GraphQLNamedType] = {
    "String": GraphQLString,
    "Int": GraphQLInt,
    "Float": GraphQLFloat,
    "Boolean": GraphQLBoolean,
    "ID": GraphQLID,
}
_PG_ALIASES = {"bigint": "int8", "smallint": "int2"}
_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Client headers Hasura never forwards to a webhook.
_NOT_FORWARDED = {
    "host",
    "content-length",
    "content-type",
    "accept-encoding",
    "connection",
    "user-agent",
    "origin",
    "referer",
    "x-hasura-admin-secret",
    "authorization",
    "cookie",
}


class ActionTypes:
    """The GraphQL types of the model's actions, shared by every role schema."""

    _cache: ClassVar[dict[int, ActionTypes]] = {}

    def __new__(cls, model: Model) -> ActionTypes:
        # One set of types per model object: role schemas built from one model share them.
        existing = cls._cache.get(id(model))
        if existing is not None and existing.model is model:
            return existing
        inst = super().__new__(cls)
        cls._cache = {id(model): inst}
        inst._init(model)
        return inst

    def _init(self, model: Model) -> None:
        self.model = model
        self.named: dict[str, GraphQLNamedType] = {}
        ct = model.custom_types or {}
        for s in ct.get("scalars") or []:
            self.named[s["name"]] = scalar_for(s["name"])
        for e in ct.get("enums") or []:
            values = {v["value"]: GraphQLEnumValue(v["value"]) for v in e.get("values") or []}
            self.named[e["name"]] = GraphQLEnumType(e["name"], values)
        # Fields are thunks: a type may name another defined later (or itself).
        for i in ct.get("input_objects") or []:
            self.named[i["name"]] = GraphQLInputObjectType(i["name"], self._input_fields(i["fields"]))
        for o in ct.get("objects") or []:
            self.named[o["name"]] = GraphQLObjectType(o["name"], self._output_fields(o["fields"]))

    def _input_fields(self, fields: list[Any]) -> Callable[[], dict[str, GraphQLInputField]]:
        return lambda: {f["name"]: GraphQLInputField(self.type(f["type"])) for f in fields}

    def _output_fields(self, fields: list[Any]) -> Callable[[], dict[str, GraphQLField]]:
        return lambda: {f["name"]: GraphQLField(self.type(f["type"])) for f in fields}

    def named_type(self, name: str) -> GraphQLNamedType:
        if name in _BUILTINS:
            return _BUILTINS[name]
        if name in self.named:
            return self.named[name]
        return scalar_for(_PG_ALIASES.get(name, name))

    def type(self, text: str) -> Any:
        return self._from_ast(parse_type(text))

    def _from_ast(self, node: gast.TypeNode) -> Any:
        if isinstance(node, gast.NonNullTypeNode):
            return GraphQLNonNull(self._from_ast(node.type))
        if isinstance(node, gast.ListTypeNode):
            return GraphQLList(self._from_ast(node.type))
        return self.named_type(node.name.value)  # type: ignore[attr-defined]

    def fields_for(self, role: str) -> dict[str, tuple[str, GraphQLField]]:
        out: dict[str, tuple[str, GraphQLField]] = {}
        for a in self.model.actions.values():
            if role != ADMIN and role not in a.roles:
                continue
            out[a.name] = (
                a.type,
                GraphQLField(
                    self.type(a.output_type),
                    args={n: GraphQLArgument(self.type(t)) for n, t in a.arguments},
                ),
            )
        return out


def resolve_template(url: str) -> str:
    def env(m: re.Match[str]) -> str:
        value = os.environ.get(m.group(1))
        if value is None:
            raise GQLError(f"environment variable '{m.group(1)}' not set", "not-found")
        return value

    return _TEMPLATE.sub(env, url)


def _headers(action: Action, client: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if action.forward_client_headers:
        out.update({k: v for k, v in client.items() if k.lower() not in _NOT_FORWARDED})
    for h in action.headers:
        if "value_from_env" in h:
            value = os.environ.get(h["value_from_env"])
            if value is None:
                raise GQLError(f"environment variable '{h['value_from_env']}' not set", "not-found")
            out[h["name"]] = value
        else:
            out[h["name"]] = str(h.get("value", ""))
    out["Content-Type"] = "application/json"
    return out


def _check_output(value: Any, gtype: GraphQLType, path: str) -> None:
    if isinstance(gtype, GraphQLNonNull):
        if value is None:
            raise GQLError(f"expecting not null value for field {path!r}", "unexpected")
        _check_output(value, gtype.of_type, path)
        return
    if value is None:
        return
    if isinstance(gtype, GraphQLList):
        if not isinstance(value, list):
            raise GQLError("expecting array for action webhook response", "unexpected")
        for v in value:
            _check_output(v, gtype.of_type, path)
        return
    if isinstance(gtype, GraphQLObjectType):
        if not isinstance(value, dict):
            raise GQLError("expecting object for action webhook response", "unexpected")
        for name, f in gtype.fields.items():
            if name not in value:
                if isinstance(f.type, GraphQLNonNull):
                    raise GQLError(
                        f"field '{name}' expected in webhook response, but not found", "unexpected"
                    )
                continue
            _check_output(value[name], f.type, name)


def _project(value: Any, gtype: GraphQLType, nodes: list[gast.FieldNode], fragments: dict[str, Any]) -> Any:
    while isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    if value is None:
        return None
    if isinstance(gtype, GraphQLList):
        return [_project(v, gtype.of_type, nodes, fragments) for v in value]
    if not isinstance(gtype, GraphQLObjectType):
        return value
    out: dict[str, Any] = {}
    for alias, fnodes in _collect(nodes, fragments).items():
        name = fnodes[0].name.value
        if name == "__typename":
            out[alias] = gtype.name
        else:
            out[alias] = _project(value.get(name), gtype.fields[name].type, fnodes, fragments)
    return out


def _collect(nodes: list[gast.FieldNode], fragments: dict[str, Any]) -> dict[str, list[gast.FieldNode]]:
    out: dict[str, list[gast.FieldNode]] = {}

    def walk(sel: Any) -> None:
        for s in sel.selections if sel else ():
            if isinstance(s, gast.FieldNode):
                out.setdefault((s.alias or s.name).value, []).append(s)
            elif isinstance(s, gast.InlineFragmentNode):
                walk(s.selection_set)
            elif isinstance(s, gast.FragmentSpreadNode):
                walk(fragments[s.name.value].selection_set)

    for n in nodes:
        walk(n.selection_set)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


async def call_action(
    engine: Engine,
    rs: RoleSchema,
    action: Action,
    nodes: list[gast.FieldNode],
    document: gast.DocumentNode,
    variables: dict[str, Any],
    session: Session,
    client_headers: dict[str, str],
    query: str,
) -> Any:
    root = rs.schema.mutation_type if action.type == "mutation" else rs.schema.query_type
    assert root is not None
    fdef = root.fields[action.name]
    given = {a.name.value: a.value for a in nodes[0].arguments or ()}
    inputs: dict[str, Any] = {}
    for name, arg in fdef.args.items():
        if name in given:
            inputs[name] = _jsonable(value_from_ast(given[name], arg.type, variables))
    body = {
        "action": {"name": action.name},
        "input": inputs,
        "session_variables": session.payload(),
        "request_query": query,
    }
    url = resolve_template(action.handler)
    headers = _headers(action, client_headers)
    if engine.http is None:
        engine.http = httpx.AsyncClient()
    try:
        resp = await engine.http.post(url, json=body, headers=headers, timeout=action.timeout)
    except httpx.HTTPError as exc:
        raise GQLError(
            "http exception when calling webhook",
            "unexpected",
            internal={"error": str(exc), "request": {"url": url}},
        ) from exc
    try:
        payload = resp.json()
    except ValueError as exc:
        raise GQLError(
            "not a valid json response from webhook",
            "unexpected",
            internal={"response": {"status": resp.status_code, "body": resp.text}},
        ) from exc
    if 200 <= resp.status_code < 300:
        _check_output(payload, fdef.type, action.name)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, gast.FragmentDefinitionNode)
        }
        return _project(payload, fdef.type, nodes, fragments)
    if (
        400 <= resp.status_code < 500
        and isinstance(payload, dict)
        and isinstance(payload.get("message"), str)
    ):
        ext = payload.get("extensions")
        if isinstance(ext, dict):
            raise GQLError(payload["message"], extensions=ext)
        raise GQLError(payload["message"], str(payload.get("code") or "unexpected"), "$")
    raise GQLError(
        "internal error",
        "unexpected",
        internal={"response": {"status": resp.status_code, "body": payload}, "request": {"url": url}},
    )
