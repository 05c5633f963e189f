"""RESTified endpoints: the query collection, endpoint and allow-list operations of /v1/metadata, and
/api/rest/<url>, which answers a stored query with variables from the URL, the query string and a JSON body.

A request goes through the same authentication, allow list, validation and execution as /v1/graphql; the
answer is the query's `data`, or Hasura's `{path, error, code}` with the error's HTTP status.
"""

from __future__ import annotations

import copy
import json
import re
import weakref
from typing import Any

from graphql import REMOVE, Visitor, print_ast, visit
from graphql.language import ast as gast
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gqlengine.graphql.auth import Session, resolve_session
from gqlengine.graphql.compile import GQLError
from gqlengine.graphql.execute import Engine
from gqlengine.metadata import query_collections as qc
from gqlengine.metadata.api import SUCCESS, AdminError, _commit
from gqlengine.server import openapi

JSON_TYPE = "application/json; charset=utf-8"

# Hasura reads these scalars from a URL or query-string value as JSON; every other type gets the string.
_BOOLEAN_TYPES = ("Bool", "Boolean")
_NUMBER_TYPES = ("Int", "Float", "Number", "Double", "float8", "numeric")


# ---------------------------------------------------------------- /v1/metadata operations


def _collection(doc: Any, name: Any, path: str = "$.collection") -> dict[str, Any]:
    for c in doc.setdefault("query_collections", []):
        if c["name"] == name:
            return c
    raise AdminError(f"query collection with name {json.dumps(name)} does not exist", "not-exists", path=path)


def _queries(coll: dict[str, Any]) -> list[dict[str, Any]]:
    return coll.setdefault("definition", {}).setdefault("queries", [])


def _create_collection(doc: Any, args: Any) -> None:
    name = args["name"]
    if any(c["name"] == name for c in doc.get("query_collections") or []):
        raise AdminError(
            f"query collection with name {json.dumps(name)} already exists", "already-exists", path="$.name"
        )
    queries = (args.get("definition") or {}).get("queries") or []
    names = [q["name"] for q in queries]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise AdminError(
            "found duplicate query names " + ", ".join(json.dumps(d) for d in dupes), "not-supported"
        )
    entry: dict[str, Any] = {"name": name, "definition": {"queries": queries}}
    if args.get("comment") is not None:
        entry["comment"] = args["comment"]
    doc.setdefault("query_collections", []).append(entry)


def _drop_collection(doc: Any, args: Any) -> None:
    name = args["collection"]
    _collection(doc, name)
    listed = [a for a in doc.get("allowlist") or [] if a.get("collection") == name]
    if listed and not args.get("cascade", False):
        raise AdminError(
            f"query collection with name {json.dumps(name)} is present in the allowlist; cannot proceed to "
            "drop. please use cascade to confirm you wish to drop it from the allowlist as well",
            "dependency-error",
            path="$.collection",
        )
    doc["allowlist"] = [a for a in doc.get("allowlist") or [] if a.get("collection") != name]
    doc["query_collections"] = [c for c in doc["query_collections"] if c["name"] != name]


def _add_query(doc: Any, args: Any) -> None:
    coll = _collection(doc, args["collection_name"])
    queries = _queries(coll)
    if any(q["name"] == args["query_name"] for q in queries):
        raise AdminError(
            f"query with name {json.dumps(args['query_name'])} already exists in collection "
            f"{json.dumps(args['collection_name'])}",
            "already-exists",
        )
    queries.append({"name": args["query_name"], "query": args["query"]})


def _drop_query(doc: Any, args: Any) -> None:
    coll = _collection(doc, args["collection_name"])
    queries = _queries(coll)
    if not any(q["name"] == args["query_name"] for q in queries):
        raise AdminError(
            f"query with name {json.dumps(args['query_name'])} not found in collection "
            f"{json.dumps(args['collection_name'])}",
            "not-found",
        )
    coll["definition"]["queries"] = [q for q in queries if q["name"] != args["query_name"]]


def _create_endpoint(doc: Any, args: Any) -> None:
    if not args.get("url"):
        raise AdminError("empty string not allowed", "parse-failed", path="$.url")
    if not args.get("name"):
        raise AdminError("empty string not allowed", "parse-failed", path="$.name")
    methods = args.get("methods") or []
    bad = [m for m in methods if m not in qc.METHODS]
    if bad or not methods:
        raise AdminError(f"Invalid method: {bad[0] if bad else '[]'}", "parse-failed", path="$.methods")
    endpoints = doc.setdefault("rest_endpoints", [])
    if any(e["name"] == args["name"] for e in endpoints):
        raise AdminError(f"Endpoint {args['name']} already exists", "already-exists", path="$.name")
    endpoints.append(qc.endpoint_json(args))


def _drop_endpoint(doc: Any, args: Any) -> None:
    endpoints = doc.get("rest_endpoints") or []
    if not any(e["name"] == args["name"] for e in endpoints):
        raise AdminError(f"Endpoint {args['name']} does not exist", "not-exists")
    doc["rest_endpoints"] = [e for e in endpoints if e["name"] != args["name"]]


def _scope(args: Any) -> dict[str, Any]:
    scope = args.get("scope") or {"global": True}
    if scope.get("global", True):
        if scope.get("roles"):
            raise AdminError("roles are not allowed when global is true", "parse-failed", path="$.scope")
        return {"global": True}
    roles = scope.get("roles") or []
    if not roles or len(roles) != len(set(roles)):
        raise AdminError("duplicate roles are not allowed", "parse-failed", path="$.scope")
    return {"global": False, "roles": roles}


def _add_to_allowlist(doc: Any, args: Any) -> dict[str, Any] | None:
    name = args["collection"]
    _collection(doc, name)
    allowlist = doc.setdefault("allowlist", [])
    if any(a["collection"] == name for a in allowlist):
        return {
            "message": f"collection {json.dumps(name)} already exists in the allowlist, scope ignored; to "
            "change scope, use update_scope_of_collection_in_allowlist"
        }
    entry: dict[str, Any] = {"collection": name}
    scope = _scope(args)
    if not scope["global"]:
        entry["scope"] = scope
    allowlist.append(entry)
    return None


def _drop_from_allowlist(doc: Any, args: Any) -> None:
    name = args["collection"]
    _collection(doc, name)
    allowlist = doc.get("allowlist") or []
    if not any(a["collection"] == name for a in allowlist):
        raise AdminError(f"collection {json.dumps(name)} doesn't exist in the allowlist", "not-found")
    doc["allowlist"] = [a for a in allowlist if a["collection"] != name]


def _update_scope(doc: Any, args: Any) -> None:
    name = args["collection"]
    found = next((a for a in doc.get("allowlist") or [] if a["collection"] == name), None)
    if found is None:
        raise AdminError(f"collection {json.dumps(name)} doesn't exist in the allowlist", "not-found")
    scope = _scope(args)
    found.pop("scope", None)
    if not scope["global"]:
        found["scope"] = scope


_EDITS = {
    "create_query_collection": _create_collection,
    "drop_query_collection": _drop_collection,
    "add_query_to_collection": _add_query,
    "drop_query_from_collection": _drop_query,
    "create_rest_endpoint": _create_endpoint,
    "drop_rest_endpoint": _drop_endpoint,
    "add_collection_to_allowlist": _add_to_allowlist,
    "drop_collection_from_allowlist": _drop_from_allowlist,
    "update_scope_of_collection_in_allowlist": _update_scope,
}


def _handler(op: str) -> Any:
    edit = _EDITS[op]

    async def handle(engine: Engine, args: Any) -> Any:
        doc = copy.deepcopy(engine.doc)
        answer = edit(doc, args or {})
        if answer is not None:  # nothing changed (Hasura answers with a message instead)
            return answer
        for key in ("query_collections", "rest_endpoints", "allowlist"):
            if key in doc and not doc[key]:
                del doc[key]  # empty sections leave the exported document, as in Hasura
        await _commit(engine, doc)
        return SUCCESS

    return handle


def install(engine: Engine) -> None:
    """Register the operations with the engine's metadata API."""
    for op in _EDITS:
        engine.metadata_handlers[op] = _handler(op)


# ---------------------------------------------------------------- /api/rest


def _error(exc: GQLError, internal: bool) -> Response:
    code = exc.code
    message = exc.message
    if exc.extensions is not None:
        code = str(exc.extensions.get("code") or "unexpected")
    body: dict[str, Any] = {"path": exc.path, "error": message, "code": code}
    if internal and exc.internal is not None:
        body["internal"] = exc.internal
    return JSONResponse(body, status_code=http_status(exc))


def http_status(exc: GQLError) -> int:
    """The HTTP status Hasura gives the error outside the GraphQL envelope."""
    if exc.code == "access-denied" and "admin-secret" in exc.message:
        return 401
    return 500 if exc.code == "unexpected" else 400


def _plain(message: str, code: str, status: int) -> Response:
    return JSONResponse({"path": "$", "error": message, "code": code}, status_code=status)


def match(engine: Engine, path: str, method: str) -> tuple[qc.Endpoint, list[str]] | Response:
    """The endpoint for the path and method with the URL's values for its variables, or the error."""
    parts = path.split("/")
    found: list[tuple[qc.Endpoint, list[str]]] = []
    for e in served(engine):
        if len(e.segments) != len(parts):
            continue
        values: list[str] = []
        for seg, part in zip(e.segments, parts, strict=True):
            if seg.startswith(":"):
                values.append(part)
            elif seg != part:
                break
        else:
            found.append((e, values))
    if not found:
        return _plain("Endpoint not found", "not-found", 404)
    allowed = [f for f in found if method in f[0].methods]
    if not allowed:
        methods = [m for m in qc.METHODS if any(m in f[0].methods for f in found)]
        return _plain("Allowed methods: " + ", ".join(methods), "method-not-allowed", 405)
    if len(allowed) > 1:
        return _plain("Multiple endpoints match request", "unexpected", 500)
    return allowed[0]


# The endpoints of each engine's current metadata document, parsed once per document.
_served: weakref.WeakKeyDictionary[Engine, tuple[Any, list[qc.Endpoint]]] = weakref.WeakKeyDictionary()


def served(engine: Engine) -> list[qc.Endpoint]:
    """The endpoints of the current metadata (parsed again when the metadata document changes)."""
    cached = _served.get(engine)
    if cached is None or cached[0] is not engine.doc:
        cached = (engine.doc, qc.endpoints(engine.doc))
        _served[engine] = cached
    return cached[1]


def _type_name(t: gast.TypeNode) -> tuple[str, bool, bool]:
    """(named type, nullable, is a list) of a variable's declared type."""
    nullable = not isinstance(t, gast.NonNullTypeNode)
    inner = t.type if isinstance(t, gast.NonNullTypeNode) else t
    if isinstance(inner, gast.ListTypeNode):
        return "", nullable, True
    assert isinstance(inner, gast.NamedTypeNode)
    return inner.name.value, nullable, False


def resolve_variables(e: qc.Endpoint, args: list[tuple[str, Any, bool]]) -> dict[str, Any]:
    """Hasura's resolveVar: `args` are (name, value, from_text) in increasing priority."""
    declared = {v.variable.name.value: v for v in e.operation.variable_definitions or ()}
    given: dict[str, tuple[Any, bool]] = {}
    for name, value, from_text in args:
        given[name] = (value, from_text)
    out: dict[str, Any] = {}
    for name, (value, from_text) in given.items():
        if name not in declared:
            raise GQLError(f"Unexpected variable {name}", "bad-request")
        if not from_text:
            out[name] = value
            continue
        type_name, nullable, is_list = _type_name(declared[name].type)
        if is_list:
            raise GQLError(
                "List variables are not currently supported in URL or Query parameters. (Variable "
                f"{name}, with value {json.dumps(value, ensure_ascii=False)})",  # quoted, as Hasura shows it
                "bad-request",
            )
        if type_name == "Boolean" and value == "":
            out[name] = True
            continue
        if nullable and value == "":
            continue
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, bool) and type_name in _BOOLEAN_TYPES:
            out[name] = parsed
        elif isinstance(parsed, int | float) and not isinstance(parsed, bool) and type_name in _NUMBER_TYPES:
            out[name] = parsed
        else:
            out[name] = value
    return out


_CACHED = re.compile(r"@cached\b")


def _without_cached(e: qc.Endpoint) -> tuple[str, int | None]:
    """The query without its `@cached` directive, and the directive's ttl (Hasura's default is 60 s)."""
    if not _CACHED.search(e.query):
        return e.query, None
    directives = [d for d in e.operation.directives or () if d.name.value == "cached"]
    if not directives:
        return e.query, None
    ttl = 60
    for arg in directives[0].arguments or ():
        if arg.name.value == "ttl" and isinstance(arg.value, gast.IntValueNode):
            ttl = int(arg.value.value)
    return print_ast(visit(e.document, _DropCached())), ttl


class _DropCached(Visitor):
    def enter_directive(self, node: gast.DirectiveNode, *_: Any) -> Any:
        return REMOVE if node.name.value == "cached" else None


async def serve(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    headers = dict(request.headers)
    session: Session | None = None
    try:
        session = resolve_session(engine.settings.auth, headers)
        method = request.method
        if method not in qc.METHODS:
            raise GQLError(f"Method {method} not supported.", "bad-request")
        found = match(engine, request.path_params["path"], method)
        if isinstance(found, Response):
            return found
        endpoint, values = found
        args: list[tuple[str, Any, bool]] = [(k, v, True) for k, v in request.query_params.multi_items()]
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if isinstance(body, dict):
            args += [(k, v, False) for k, v in body.items()]
        args += [(name, v, True) for name, v in zip(endpoint.variables, values, strict=True)]
        variables = resolve_variables(endpoint, args)
        query, ttl = _without_cached(endpoint)
        _, answer = await engine.prepare({"query": query, "variables": variables}, session, headers, True)
        text = await answer()
    except GQLError as exc:
        return _error(exc, engine._internal_errors(session))
    prefix = '{"data":'
    if text.startswith(prefix):
        out = Response(text[len(prefix) : -1], media_type=JSON_TYPE)
    else:
        out = Response(json.dumps(json.loads(text).get("data")), media_type=JSON_TYPE)
    if ttl is not None:
        out.headers["Cache-Control"] = f"max-age={ttl}"
    return out


async def swagger(request: Request) -> Response:
    """The OpenAPI document of the endpoints (admin only, as in Hasura)."""
    engine: Engine = request.app.state.engine
    try:
        session = resolve_session(engine.settings.auth, dict(request.headers))
    except GQLError as exc:
        return _error(exc, False)
    if not session.is_admin:
        return _plain("restricted access : admin only", "access-denied", 400)
    return JSONResponse(openapi.document(engine))


routes = [
    Route("/api/swagger/json", swagger, methods=["GET"]),
    Route(
        "/api/rest/{path:path}",
        serve,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    ),
]
