"""Synchronous actions: their GraphQL types (from actions.graphql custom types) and the webhook proxy.

The request and response contract is Hasura's (contract §5.2–5.3): body `{action: {name}, input,
session_variables, request_query}`; 2xx = output validated against the declared type; 4xx with `message`
(and optional `extensions`, passed through verbatim); anything else = `internal error` / `unexpected`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

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

from gqlengine.graphql.bodies import check_finite
from gqlengine.graphql.compile import (
    Compiler,
    GQLError,
    Param,
    collect_fields,
    fragment_definitions,
    q,
    qt,
    sql_str,
)
from gqlengine.graphql.schema import ADMIN, RoleSchema, scalar_for
from gqlengine.metadata.model import Action, Model, Relationship

if TYPE_CHECKING:
    from gqlengine.graphql.auth import Session


class ActionEngine(Protocol):
    """What calling an action needs from the engine (`execute.Engine`, which calls actions): its HTTP client,
    the model, its settings, and binding and running a compiled statement for the relationships."""

    http: Any
    model: Model | None
    settings: Any

    def _bind(
        self, p: Param, variables: dict[str, Any], session: Session, nested: dict[str, Any] | None = None
    ) -> Any: ...

    async def _fetch(self, sql: str, args: list[Any], session: Session) -> Any: ...


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

    def for_role(self, builder: Any) -> ActionTypes:
        """These types, with the relationships of output objects to the tables this role may select (the
        schema builder `builder` gives the tables' object types): a role's own copy when there are any."""
        if not _joins_tables(self.model):
            return self
        objects = (self.model.custom_types or {}).get("objects") or []
        copy = object.__new__(ActionTypes)
        copy.model = self.model
        copy.named = dict(self.named)
        # Every object type anew, so that those naming an object with relationships get the role's copy.
        for o in objects:
            copy.named[o["name"]] = GraphQLObjectType(o["name"], copy._fields_with_relationships(o, builder))
        return copy

    def _fields_with_relationships(self, obj: Any, builder: Any) -> Callable[[], dict[str, GraphQLField]]:
        def fields() -> dict[str, GraphQLField]:
            out = self._output_fields(obj["fields"])()
            for rel in action_relationships(obj):
                view = builder.views.get(rel.target)
                if view is None or not view.columns:
                    continue  # the role may not select the table: no field, as in Hasura
                target = builder.object(view)
                if rel.kind == "object":
                    out[rel.name] = GraphQLField(target)
                else:
                    out[rel.name] = GraphQLField(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(target))), args=builder.list_args(view)
                    )
                    if view.perm.allow_aggregations:
                        out[f"{rel.name}_aggregate"] = GraphQLField(
                            GraphQLNonNull(builder.aggregate(view)), args=builder.list_args(view)
                        )
            return out

        return fields

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


def _joins_tables(model: Model) -> bool:
    """Whether any action output object has relationships to tables."""
    return any(o.get("relationships") for o in (model.custom_types or {}).get("objects") or [])


def action_relationships(obj: Any) -> list[Relationship]:
    """An output object's relationships to tables, as table relationships (mapping: output field, column)."""
    out = []
    for r in obj.get("relationships") or []:
        target = r["remote_table"]
        key = (
            (target.get("schema", "public"), target["name"])
            if isinstance(target, dict)
            else ("public", target)
        )
        out.append(Relationship(r["name"], r["type"], key, list((r.get("field_mapping") or {}).items())))
    return out


def resolve_template(url: str) -> str:
    def env(m: re.Match[str]) -> str:
        value = os.environ.get(m.group(1))
        if value is None:
            raise GQLError(f"environment variable '{m.group(1)}' not set", "not-found")
        return value

    return _TEMPLATE.sub(env, url)


def _forwarded(action: Action, client: dict[str, str]) -> dict[str, str]:
    """The client's headers passed on to the handler (`forward_client_headers`)."""
    if not action.forward_client_headers:
        return {}
    return {k: v for k, v in client.items() if k.lower() not in _NOT_FORWARDED}


def _headers(action: Action, forwarded: dict[str, str]) -> dict[str, str]:
    out = dict(forwarded)
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


class _Unexpected(Exception):
    """A 2xx answer that does not fit the output type; becomes `unexpected` with the call's details."""


def _validate_response(value: Any, gtype: GraphQLType, fields: dict[str, GraphQLField]) -> None:
    """Hasura's check of a 2xx answer (validateResponse in its Execute/Action.hs): the shape against the
    output type, and the non-nullable fields of the output object at the top level only (nested objects are
    taken as they come). Custom scalars and enums are not checked."""
    nullable = not isinstance(gtype, GraphQLNonNull)
    base = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    if isinstance(base, GraphQLNamedType) and not isinstance(base, GraphQLObjectType):
        if base.name not in _BUILTINS:
            return
    if value is None:
        if not nullable:
            raise _Unexpected("got null for the action webhook response")
        return
    if isinstance(base, GraphQLList):
        if not isinstance(value, list):
            raise _Unexpected("expecting array for the action webhook response")
        for item in value:
            _validate_response(item, base.of_type, fields)
        return
    name = base.name  # type: ignore[union-attr]
    expecting = f"for the action webhook response, expecting {name}"
    if isinstance(value, list):
        raise _Unexpected(f"got array {expecting}")
    if isinstance(value, bool):
        if name != "Boolean":
            raise _Unexpected(f"got scalar Boolean {expecting}")
    elif isinstance(value, int | float):
        if name not in ("Int", "Float"):
            raise _Unexpected(f"got scalar String {expecting}")  # sic: Hasura's wording for a number
    elif isinstance(value, str):
        if name not in ("String", "ID"):
            raise _Unexpected(f"got scalar String {expecting}")
    elif isinstance(value, dict):
        if name in _BUILTINS:
            raise _Unexpected(f"got object {expecting}")
        for field_name, f in fields.items():
            if isinstance(f.type, GraphQLNonNull):
                if field_name not in value:
                    raise _Unexpected(f'field "{field_name}" expected in webhook response, but not found')
                if value[field_name] is None:
                    raise _Unexpected(f'expecting not null value for field "{field_name}"')


def _output_fields(gtype: GraphQLType, model: Model) -> dict[str, GraphQLField]:
    """The fields the output object declares (its relationships to tables are not the handler's to send)."""
    gtype = _unwrapped(gtype)
    if not isinstance(gtype, GraphQLObjectType):
        return {}
    declared = _custom_object(model, gtype.name)
    names = {f["name"] for f in declared["fields"]} if declared else set(gtype.fields)
    return {n: f for n, f in gtype.fields.items() if n in names}


def _custom_object(model: Model, name: str) -> Any:
    return next((o for o in (model.custom_types or {}).get("objects") or [] if o["name"] == name), None)


def _call_details(
    action: Action,
    body: dict[str, Any],
    forwarded: dict[str, str],
    error: Any,
    response: httpx.Response | None = None,
    response_body: Any = None,
) -> dict[str, Any]:
    """Hasura's ActionInternalError: what was sent (the handler as configured, templates unresolved) and what
    came back, shown to admin in `extensions.internal`."""
    headers = [dict(h) for h in action.headers] + [{"name": k, "value": v} for k, v in forwarded.items()]
    out: dict[str, Any] = {
        "error": error,
        "request": {"url": action.handler, "body": body, "headers": headers, "transformed_request": None},
    }
    if response is not None:
        out["response"] = {
            "status": response.status_code,
            "body": response_body,
            # As the handler spelled them (httpx's mapping lower-cases names).
            "headers": [
                {"name": k.decode("latin-1"), "value": v.decode("latin-1")} for k, v in response.headers.raw
            ],
        }
    return out


def _project(value: Any, gtype: GraphQLType, nodes: list[gast.FieldNode], fragments: dict[str, Any]) -> Any:
    while isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    if value is None:
        return None
    if isinstance(gtype, GraphQLList):
        return (
            [_project(v, gtype.of_type, nodes, fragments) for v in value]
            if isinstance(value, list)
            else value
        )
    if not isinstance(gtype, GraphQLObjectType) or not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for alias, fnodes in _collect(nodes, fragments).items():
        name = fnodes[0].name.value
        if name == "__typename":
            out[alias] = gtype.name
            continue
        ftype = gtype.fields[name].type
        if name not in value and isinstance(_unwrapped(ftype), GraphQLObjectType):
            continue  # Hasura leaves out an object field the handler left out; a scalar one reads null
        out[alias] = _project(value.get(name), ftype, fnodes, fragments)
    return out


def _unwrapped(gtype: GraphQLType) -> GraphQLType:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return gtype


def _collect(nodes: list[gast.FieldNode], fragments: dict[str, Any]) -> dict[str, list[gast.FieldNode]]:
    return collect_fields([n.selection_set for n in nodes], fragments)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


async def call_action(
    engine: ActionEngine,
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
            # A literal such as 1e400 reads as infinity, which the handler's JSON cannot carry.
            check_finite(inputs[name], f"$.selectionSet.{action.name}.args.{name}")
    body = {
        "action": {"name": action.name},
        "input": inputs,
        "session_variables": session.payload(),
        "request_query": query,
    }
    url = resolve_template(action.handler)
    forwarded = _forwarded(action, client_headers)
    headers = _headers(action, forwarded)
    if engine.http is None:
        engine.http = httpx.AsyncClient()
    try:
        resp = await engine.http.post(url, json=body, headers=headers, timeout=action.timeout)
    except httpx.HTTPError as exc:
        raise GQLError(
            "http exception when calling webhook",
            "unexpected",
            internal=_call_details(action, body, forwarded, {"type": "http_exception", "message": str(exc)}),
        ) from exc
    try:
        payload = resp.json()
    except ValueError as exc:
        raise GQLError(
            "not a valid json response from webhook",
            "unexpected",
            internal=_call_details(action, body, forwarded, f"invalid json: {exc}", resp, resp.text),
        ) from exc
    if 200 <= resp.status_code < 300:
        assert engine.model is not None
        try:
            _validate_response(payload, fdef.type, _output_fields(fdef.type, engine.model))
        except _Unexpected as exc:
            details = _call_details(action, body, forwarded, "unexpected response", resp, payload)
            raise GQLError(str(exc), "unexpected", internal=details) from None
        fragments = fragment_definitions(document)
        answer = _project(payload, fdef.type, nodes, fragments)
        return await _join_tables(
            engine, rs, fdef.type, answer, payload, nodes, document, fragments, variables, session
        )
    if (
        400 <= resp.status_code < 500
        and isinstance(payload, dict)
        and isinstance(payload.get("message"), str)
    ):
        ext = payload.get("extensions")
        if isinstance(ext, dict):
            raise GQLError(payload["message"], extensions=ext)
        raise GQLError(payload["message"], str(payload.get("code") or "unexpected"), "$")
    error = f"expecting 2xx or 4xx status code, but found {resp.status_code}"
    raise GQLError(
        "internal error", "unexpected", internal=_call_details(action, body, forwarded, error, resp, payload)
    )


async def _join_tables(
    engine: ActionEngine,
    rs: RoleSchema,
    gtype: GraphQLType,
    answer: Any,
    payload: Any,
    nodes: list[gast.FieldNode],
    document: gast.DocumentNode,
    fragments: dict[str, gast.FragmentDefinitionNode],
    variables: dict[str, Any],
    session: Session,
) -> Any:
    """The relationships of output objects (at any depth) to tables, as Hasura joins them: per object type
    and selection, one statement over the handler's objects (a recordset of their mapped fields), each
    relationship under the role's permission on its table. Fills `answer` in place."""
    assert engine.model is not None
    model = engine.model
    if not _joins_tables(model):
        return answer
    jobs: dict[int, tuple[Any, list[gast.FieldNode], list[tuple[dict[str, Any], dict[str, Any]]]]] = {}

    def walk(projected: Any, sent: Any, t: GraphQLType, fnodes: list[gast.FieldNode]) -> None:
        if isinstance(projected, list) and isinstance(sent, list):
            for p, v in zip(projected, sent, strict=False):
                walk(p, v, t, fnodes)
            return
        base = _unwrapped(t)
        if not isinstance(base, GraphQLObjectType) or not isinstance(projected, dict):
            return
        if not isinstance(sent, dict):
            return
        declared = _custom_object(model, base.name)
        if declared and declared.get("relationships"):
            jobs.setdefault(id(fnodes[0]), (declared, fnodes, []))[2].append((projected, sent))
        for alias, sub in _collect(fnodes, fragments).items():
            name = sub[0].name.value
            if name in base.fields and alias in projected and name in sent:
                walk(projected[alias], sent[name], base.fields[name].type, sub)

    walk(answer, payload, gtype, nodes)
    for declared, fnodes, targets in jobs.values():
        await _join_one(engine, rs, declared, fnodes, targets, fragments, document, variables, session)
    return answer


async def _join_one(
    engine: ActionEngine,
    rs: RoleSchema,
    declared: Any,
    nodes: list[gast.FieldNode],
    targets: list[tuple[dict[str, Any], dict[str, Any]]],
    fragments: dict[str, Any],
    document: gast.DocumentNode,
    variables: dict[str, Any],
    session: Session,
) -> None:
    assert engine.model is not None
    rels = {r.name: r for r in action_relationships(declared)}
    selection = _collect(nodes, fragments)
    chosen = {
        alias: fnodes
        for alias, fnodes in selection.items()
        if fnodes[0].name.value in rels or fnodes[0].name.value.removesuffix("_aggregate") in rels
    }
    if not chosen:
        return
    compiler = Compiler(engine.model, rs, document, variables, engine.settings.stringify_numeric)
    columns: dict[str, str] = {}
    pairs: list[str] = []
    for alias, fnodes in chosen.items():
        field_name = fnodes[0].name.value
        aggregate = field_name not in rels
        rel = rels[field_name.removesuffix("_aggregate")]
        view = rs.views[rel.target]
        for out_field, column in rel.mapping:
            columns.setdefault(out_field, view.tracked.table.columns[column].pg_type)
        compiler.path = [alias]
        if aggregate:
            expr = compiler.select_aggregate(view, compiler.args(fnodes), compiler.sub(fnodes), (rel, "o"))
        elif rel.kind == "object":
            ta = compiler.alias()
            expr = (
                f"(SELECT {compiler.row_json(view, ta, compiler.sub(fnodes))} FROM {qt(rel.target)} AS {ta} "
                f"WHERE {compiler.join_cond(rel, 'o', ta)} AND {compiler.perm_filter(view, ta)} LIMIT 1)"
            )
        else:
            expr = compiler.select_array(view, compiler.args(fnodes), compiler.sub(fnodes), (rel, "o"))
        pairs.append(f"{sql_str(alias)}, {expr}")
    rows = [{"__i": i, **{f: sent.get(f) for f in columns}} for i, (_, sent) in enumerate(targets)]
    recordset = compiler.param(Param("lit", json.dumps(rows)))
    definition = ", ".join([q("__i") + " integer"] + [f"{q(f)} {t}" for f, t in columns.items()])
    row_object = f"json_build_object('i', o.{q('__i')}, 'v', json_build_object({', '.join(pairs)}))"
    sql = (
        f"SELECT coalesce(json_agg({row_object}), '[]')::text "
        f"FROM jsonb_to_recordset({recordset}::text::jsonb) AS o({definition})"
    )
    args = [engine._bind(p, variables, session) for p in compiler.params]
    row = await engine._fetch(sql, args, session)
    joined = {r["i"]: r["v"] for r in json.loads(row[0])}
    for i, (projected, _) in enumerate(targets):
        values = joined.get(i, {})
        merged = {
            alias: values.get(alias) if alias in chosen else projected[alias]
            for alias in selection
            if alias in chosen or alias in projected
        }
        projected.clear()
        projected.update(merged)
