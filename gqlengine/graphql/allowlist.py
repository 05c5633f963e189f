"""The allow list (HASURA_GRAPHQL_ENABLE_ALLOWLIST): a non-admin request must be one of the queries of the
collections listed with global scope, compared as Hasura does (parsed, `__typename` fields left out).

Role-scoped entries are kept in metadata but, as in Hasura CE, only global ones allow queries.
"""

from __future__ import annotations

from typing import Any

from graphql import REMOVE, GraphQLError, Visitor, parse, print_ast, visit
from graphql.language import ast as gast

from gqlengine.graphql.compile import GQLError

_NORMALIZED_CACHE_SIZE = 1000


class _DropTypename(Visitor):
    def enter_field(self, node: gast.FieldNode, *_: Any) -> Any:
        return REMOVE if node.name.value == "__typename" else None


def normalize(query: str) -> str | None:
    try:
        return print_ast(visit(parse(query), _DropTypename()))
    except GraphQLError:
        return None


def allowed_queries(doc: Any) -> frozenset[str]:
    queries = {
        q["name"]: q
        for c in doc.get("query_collections") or []
        for q in [{"name": c["name"], "queries": (c.get("definition") or {}).get("queries") or []}]
    }
    out: set[str] = set()
    for entry in doc.get("allowlist") or []:
        if not (entry.get("scope") or {}).get("global", True):
            continue
        for q in (queries.get(entry.get("collection")) or {}).get("queries", []):
            normalized = normalize(str(q["query"]))
            if normalized is not None:
                out.add(normalized)
    return frozenset(out)


class Allowlist:
    """The allowed queries of the current metadata, rebuilt when the metadata document changes."""

    def __init__(self) -> None:
        self._doc: Any = None
        self._allowed: frozenset[str] = frozenset()
        self._seen: dict[str, bool] = {}

    def check(self, doc: Any, query: str) -> None:
        if doc is not self._doc:
            self._doc, self._allowed, self._seen = doc, allowed_queries(doc), {}
        ok = self._seen.get(query)
        if ok is None:
            ok = normalize(query) in self._allowed
            if len(self._seen) >= _NORMALIZED_CACHE_SIZE:
                self._seen.clear()
            self._seen[query] = ok
        if not ok:
            raise GQLError(
                "query is not allowed",
                "validation-failed",
                internal={"message": "query is not in any of the allowlists"},
            )
