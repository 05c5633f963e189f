"""Query collections and the REST endpoints built on them, as metadata: their consistency checks.

Hasura checks every query of every collection against the admin schema whenever it rebuilds its schema
cache, and checks the REST endpoints' URLs (no empty segments, no repeated variable, no two endpoints that
could answer the same request with the same method). Their reports join the metadata's inconsistencies.
`resolve` is the resolution every load and edit goes through: metadata, then inherited roles, then these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLSchema, get_named_type, parse
from graphql.language import ast as gast

from gqlengine.graphql.actions import ActionTypes
from gqlengine.graphql.schema import build_role_schema
from gqlengine.metadata import inherited_roles
from gqlengine.metadata import model as md
from gqlengine.metadata.catalog import Catalog

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Endpoint:
    name: str
    url: str
    methods: list[str]
    query: str
    segments: list[str]
    document: gast.DocumentNode
    operation: gast.OperationDefinitionNode
    comment: str | None = None

    @property
    def variables(self) -> list[str]:
        return [s[1:] for s in self.segments if s.startswith(":")]


def endpoint_json(e: dict[str, Any]) -> dict[str, Any]:
    """An endpoint as Hasura reports it (every key present, `comment` null when unset)."""
    return {
        "definition": e.get("definition"),
        "url": e.get("url"),
        "methods": e.get("methods"),
        "name": e.get("name"),
        "comment": e.get("comment"),
    }


def _resolved_json(doc: Any, e: dict[str, Any]) -> dict[str, Any]:
    """The endpoint with its query's text in place of the reference (as Hasura lists conflicts)."""
    ref = ((e.get("definition") or {}).get("query")) or {}
    text = find_query(doc, ref.get("collection_name"), ref.get("query_name"))
    return {**endpoint_json(e), "definition": {"query": text}}


def collections(doc: Any) -> dict[str, Any]:
    return {c["name"]: c for c in doc.get("query_collections") or []}


def find_query(doc: Any, collection: Any, query: Any) -> str | None:
    coll = collections(doc).get(collection)
    if coll is None:
        return None
    for q in (coll.get("definition") or {}).get("queries") or []:
        if q["name"] == query:
            return str(q["query"])
    return None


def resolve(doc: Any, catalog: Catalog, infer_function_permissions: bool = True) -> md.Model:
    """The metadata model with the inherited roles' permissions, and the inconsistencies of those, of the
    collections and of the endpoints added (collections are checked against the finished model)."""
    model = md.resolve(doc, catalog)
    model.inconsistencies.extend(inherited_roles.apply(doc, model))
    if doc.get("query_collections") or doc.get("rest_endpoints"):
        model.inconsistencies.extend(inconsistencies(doc, model, infer_function_permissions))
    return model


def admin_schema(model: md.Model, infer_function_permissions: bool = True) -> GraphQLSchema:
    return build_role_schema(model, "admin", ActionTypes(model), False, infer_function_permissions).schema


def inconsistencies(doc: Any, model: md.Model, infer_function_permissions: bool = True) -> list[Any]:
    out: list[Any] = []
    endpoints = doc.get("rest_endpoints") or []
    schema = admin_schema(model, infer_function_permissions) if doc.get("query_collections") else None
    for cname, coll in collections(doc).items():
        for q in (coll.get("definition") or {}).get("queries") or []:
            assert schema is not None
            errors = query_errors(schema, str(q["query"]))
            if not errors:
                continue
            reason = (
                f'Inconsistent object: In query collection "{cname}" the query "{q["name"]}" is invalid with '
                f"the following error(s): {_dquote_list(errors)}"
            )
            users = [e["name"] for e in endpoints if _references(e, cname, q["name"])]
            if users:
                reason += (
                    f". This query is being used in the following REST endpoint(s): {_dquote_list(users)}"
                )
            if _in_allowlist(doc, cname):
                reason += ". This query is in allowlist."
            out.append(
                {
                    "definition": {"name": q["name"], "query": q["query"]},
                    "reason": reason,
                    "name": f"query_collections {q['name']} in {cname}",
                    "type": "query_collections",
                }
            )
    for e in endpoints:
        problem = endpoint_problem(doc, e)
        if problem is not None:
            out.append(
                {
                    "definition": endpoint_json(e),
                    "reason": problem,
                    "name": f"rest_endpoint {e['name']}",
                    "type": "rest_endpoint",
                }
            )
    out.extend(_ambiguities(doc, endpoints))
    return out


def _in_allowlist(doc: Any, collection: str) -> bool:
    return any(
        a.get("collection") == collection and (a.get("scope") or {}).get("global", True)
        for a in doc.get("allowlist") or []
    )


def _references(e: dict[str, Any], collection: str, query: str) -> bool:
    ref = ((e.get("definition") or {}).get("query")) or {}
    return bool(ref.get("collection_name") == collection and ref.get("query_name") == query)


def _dquote_list(items: list[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)


def segments(url: str) -> list[str]:
    return url.split("/")


def endpoint_problem(doc: Any, e: dict[str, Any]) -> str | None:
    url = str(e.get("url") or "")
    segs = segments(url)
    if any(s in ("", ":") for s in segs):
        return f"Empty segments or unnamed variables are not allowed: {url}"
    names = [s for s in segs if s.startswith(":")]
    if len(names) != len(set(names)):
        return f"Duplicate variables found in endpoint path: {url}"
    try:
        operation_of(doc, e)
    except EndpointError as exc:
        return f"Inconsistent object: in endpoint {e['name']}: {exc}"
    return None


class EndpointError(Exception):
    pass


def operation_of(doc: Any, e: dict[str, Any]) -> tuple[str, gast.DocumentNode, gast.OperationDefinitionNode]:
    """The endpoint's query text, document and its one operation (Hasura's resolution rules)."""
    ref = ((e.get("definition") or {}).get("query")) or {}
    cname, qname = ref.get("collection_name"), ref.get("query_name")
    if cname not in collections(doc):
        raise EndpointError(f"collection with name {cname} does not exist")
    text = find_query(doc, cname, qname)
    if text is None:
        raise EndpointError(f"query with name {qname} does not exist in collection {cname}")
    try:
        document = parse(text)
    except GraphQLError as exc:
        raise EndpointError(f"query with name {qname} has no definitions.") from exc
    ops = [d for d in document.definitions if isinstance(d, gast.OperationDefinitionNode)]
    if not ops:
        raise EndpointError(f"query with name {qname} has no definitions.")
    if len(document.definitions) > 1:
        raise EndpointError(f"query with name {qname} has multiple definitions.")
    if ops[0].operation == gast.OperationType.SUBSCRIPTION:
        raise EndpointError(f"query with name {qname} is a subscription")
    return text, document, ops[0]


def endpoints(doc: Any) -> list[Endpoint]:
    """The endpoints that resolve to a query (those the REST API serves)."""
    out = []
    for e in doc.get("rest_endpoints") or []:
        try:
            text, document, op = operation_of(doc, e)
        except EndpointError:
            continue
        methods = list(e.get("methods") or [])
        url = str(e["url"])
        out.append(Endpoint(e["name"], url, methods, text, segments(url), document, op, e.get("comment")))
    return out


def _overlap(a: list[str], b: list[str]) -> bool:
    if len(a) != len(b):
        return False
    return all(x == y or x.startswith(":") or y.startswith(":") for x, y in zip(a, b, strict=True))


def _ambiguities(doc: Any, items: list[dict[str, Any]]) -> list[Any]:
    """Groups of endpoints that one request could reach with one method (Hasura's ambiguous paths)."""
    n = len(items)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    linked = False
    for i in range(n):
        for j in range(i + 1, n):
            a, b = items[i], items[j]
            if not set(a.get("methods") or []) & set(b.get("methods") or []):
                continue
            if _overlap(segments(str(a.get("url"))), segments(str(b.get("url")))):
                parent[find(j)] = find(i)
                linked = True
    if not linked:
        return []
    groups: dict[int, list[dict[str, Any]]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(items[i])
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda e: str(e.get("url")))
        out.append(
            {
                "reason": "Ambiguous URL paths: " + ", ".join(str(e.get("url")) for e in members),
                "conflicts": [_resolved_json(doc, e) for e in members],
            }
        )
    return out


# ---------------------------------------------------------------- query analysis


def query_errors(schema: GraphQLSchema, text: str) -> list[str]:
    """Hasura's static analysis of a stored query: every selected field must exist in its type."""
    try:
        document = parse(text)
    except GraphQLError as exc:
        return [exc.message]
    ops = [d for d in document.definitions if isinstance(d, gast.OperationDefinitionNode)]
    if len(ops) != 1:
        return ["exactly one operation has to be present in the document when operationName is not specified"]
    frags = {d.name.value: d for d in document.definitions if isinstance(d, gast.FragmentDefinitionNode)}
    op = ops[0]
    root = {
        gast.OperationType.QUERY: schema.query_type,
        gast.OperationType.MUTATION: schema.mutation_type,
        gast.OperationType.SUBSCRIPTION: schema.subscription_type,
    }[op.operation]
    errors: list[str] = []
    if root is None:
        return [f"{op.operation.value} root type is not defined"]
    _walk(schema, root, op.selection_set, "$", frags, errors)
    return errors


def _walk(
    schema: GraphQLSchema,
    parent: Any,
    selection_set: gast.SelectionSetNode | None,
    path: str,
    frags: dict[str, gast.FragmentDefinitionNode],
    errors: list[str],
    visited: set[str] | None = None,
) -> None:
    """Every selected field must exist in its type. A fragment is entered once per selection set (the
    spec's visitedFragments): fragments that spread the next one twice cost their size, not 2^levels."""
    if selection_set is None:
        return
    visited = set() if visited is None else visited
    for sel in selection_set.selections:
        if isinstance(sel, gast.FieldNode):
            name = sel.name.value
            if name.startswith("__"):
                continue
            fields = getattr(parent, "fields", {})
            here = f"{path}.{sel.alias.value if sel.alias else name}"
            if name not in fields:
                errors.append(f"{here}: field '{name}' not found in object '{parent.name}'")
                continue
            _walk(schema, get_named_type(fields[name].type), sel.selection_set, here, frags, errors)
        elif isinstance(sel, gast.InlineFragmentNode):
            target = schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            _walk(schema, target or parent, sel.selection_set, path, frags, errors, visited)
        elif isinstance(sel, gast.FragmentSpreadNode) and sel.name.value not in visited:
            visited.add(sel.name.value)
            frag = frags.get(sel.name.value)
            if frag is not None:
                target = schema.get_type(frag.type_condition.name.value)
                _walk(schema, target or parent, frag.selection_set, path, frags, errors, visited)
