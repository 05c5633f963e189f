"""Fragments are collected once per selection (the GraphQL spec's CollectFields), so a document whose
fragments spread the next one twice, level after level, costs its size and not 2^levels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import OperationDefinitionNode, build_schema, parse

from gqlengine.graphql.actions import _collect
from gqlengine.graphql.compile import collect_fields, fragment_definitions
from gqlengine.graphql.errors import _walk
from gqlengine.metadata.query_collections import _walk as _check_stored_query
from gqlengine.server.openapi import _analyse as _describe_stored_query

LEVELS = 20  # 2^20 field nodes before collection merged fragments: a million, and a wrong count


def doubling(levels: int, leaf: str = "id name", root: str = "author") -> str:
    """`{ author { ...F0 } }` where each fragment spreads the next one twice."""
    frags = " ".join(f"fragment F{i} on {root} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ {root} {{ ...F0 }} }} {frags} fragment F{levels} on {root} {{ {leaf} }}"


def test_each_field_is_collected_once_however_often_its_fragment_is_spread() -> None:
    document = parse(doubling(LEVELS))
    fragments = fragment_definitions(document)
    op = document.definitions[0]
    (root,) = op.selection_set.selections  # type: ignore[attr-defined]
    fields = collect_fields([root.selection_set], fragments)
    assert {k: len(v) for k, v in fields.items()} == {"id": 1, "name": 1}
    # The same rule where the action proxy projects a handler's answer.
    assert {k: len(v) for k, v in _collect([root], fragments).items()} == {"id": 1, "name": 1}


def test_a_field_merged_from_several_nodes_collects_their_fragments_once() -> None:
    # Two nodes of one response key each spreading the same fragment: their sub-selection is merged once.
    levels = LEVELS
    twice = "articles {{ author {{ ...G{n} }} }} " * 2
    frags = " ".join(f"fragment G{i} on author {{ {twice.format(n=i + 1)}}}" for i in range(levels))
    document = parse(f"query {{ author {{ ...G0 }} }} {frags} fragment G{levels} on author {{ id }}")
    fragments = fragment_definitions(document)
    nodes = list(document.definitions[0].selection_set.selections)  # type: ignore[attr-defined]
    for _ in range(levels):
        articles = collect_fields([n.selection_set for n in nodes], fragments)["articles"]
        assert len(articles) == 2  # the two `articles` nodes of one fragment, not 2^depth
        nodes = collect_fields([n.selection_set for n in articles], fragments)["author"]
        assert len(nodes) == 2
    assert len(collect_fields([n.selection_set for n in nodes], fragments)["id"]) == 1


class _CountingFragments(dict[str, Any]):
    """The document's fragments, counting how often a walk looks one up."""

    lookups = 0

    def get(self, key: str, default: Any = None) -> Any:
        self.lookups += 1
        return super().get(key, default)


def test_error_paths_walk_each_fragment_once() -> None:
    document = parse(doubling(LEVELS))
    fragments = _CountingFragments(fragment_definitions(document))
    paths = _walk(document.definitions[0], fragments)  # type: ignore[arg-type]
    # Each fragment is entered from its two spreads once: 2 lookups a level, not 2^level.
    assert fragments.lookups <= 2 * (LEVELS + 1)
    assert len(paths) > LEVELS  # and every spread and field still has its path


async def test_the_doubling_document_is_answered_as_anonymous(gql: Callable[..., Any]) -> None:
    r = await gql(doubling(40))  # 2^40 expansions before: this never finished
    assert r == {"data": {"author": [{"id": i, "name": n} for i, n in ((1, "Ada"), (2, "Bob"), (4, "Dee"))]}}


async def test_an_error_inside_doubling_fragments_points_at_the_field(gql: Callable[..., Any]) -> None:
    r = await gql(doubling(40, leaf="id bio"))  # anonymous may not select `bio`
    assert r == {
        "errors": [
            {
                "message": "field 'bio' not found in type: 'author'",
                "extensions": {"path": "$.selectionSet.author.selectionSet.bio", "code": "validation-failed"},
            }
        ]
    }


def branching(levels: int) -> str:
    """Each fragment spreads the next under two response keys: an answer of 2^levels objects."""
    frags = " ".join(
        f"fragment B{i} on author {{ a: articles {{ author {{ ...B{i + 1} }} }} "
        f"b: articles {{ author {{ ...B{i + 1} }} }} }}"
        for i in range(levels)
    )
    return f"query {{ author {{ ...B0 }} }} {frags} fragment B{levels} on author {{ id }}"


async def test_an_answer_exponential_in_the_document_is_refused_for_admin_too(
    gql: Callable[..., Any],
) -> None:
    # Distinct response keys are distinct parts of the answer, so nothing merges them: 2^40 fields were
    # compiled (forever). Roles with api limits meet the node limit; admin meets the compiler's bound.
    r = await gql(branching(40), admin=True)
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    assert r["errors"][0]["message"] == "the operation selects more than 50000 fields"
    assert "data" in await gql(branching(3), admin=True)  # small ones are answered


def test_stored_query_checks_walk_each_fragment_once() -> None:
    # REST endpoints' stored queries are checked on every metadata edit and reload, and described by the
    # OpenAPI document: both walks enter a fragment once per selection set, like the compiler.
    schema = build_schema("type Query { author: Author } type Author { id: Int name: String }")
    document = parse(doubling(LEVELS))
    op = document.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    fragments = _CountingFragments(fragment_definitions(document))
    errors: list[str] = []
    _check_stored_query(schema, schema.query_type, op.selection_set, "$", fragments, errors)
    assert errors == [] and fragments.lookups <= LEVELS + 1
    fragments = _CountingFragments(fragment_definitions(document))
    fields: dict[str, Any] = {}
    _describe_stored_query(schema, schema.query_type, op.selection_set, "$", fragments, fields, errors)
    assert errors == [] and fragments.lookups <= LEVELS + 1
    assert set(fields["author"][1]) == {"id", "name"}
