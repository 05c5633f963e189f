"""Inputs the GraphQL fuzz suite found mishandled, each once an `unexpected` error or a wrong answer.

Input coercion (one value where a list is expected is a list of that one value): `updates: {…}`,
`_in: "x"` (compared with each character), `update_columns: name`. Also empty order_by objects, `_in` on
timestamptz columns, aggregates selecting only `__typename`, and empty selection sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


async def test_update_many_takes_one_entry_without_a_list(gql: Callable[..., Any]) -> None:
    q = """mutation { update_article_many(updates: {where: {id: {_eq: 1}}, _set: {views: 101}}) {
        affected_rows returning { id views } } }"""
    r = await gql(q, admin=True)
    assert r == {
        "data": {"update_article_many": [{"affected_rows": 1, "returning": [{"id": 1, "views": 101}]}]}
    }
    await gql("mutation { update_article_by_pk(pk_columns: {id: 1}, _set: {views: 100}) { id } }", admin=True)


async def test_in_takes_one_value_without_a_list(gql: Callable[..., Any]) -> None:
    r = await gql('{ author(where: {name: {_in: "Ada"}}) { name } }', admin=True)
    assert r == {"data": {"author": [{"name": "Ada"}]}}
    r = await gql('{ author(where: {name: {_nin: "Ada"}}, order_by: {id: asc}) { name } }', admin=True)
    assert r == {"data": {"author": [{"name": "Bob"}, {"name": "Cyd"}, {"name": "Dee"}]}}


async def test_an_empty_order_by_on_a_relationship_orders_by_nothing(gql: Callable[..., Any]) -> None:
    # The relationship's permission filter was compiled anyway and its parameters sent unused: a
    # database error (`unexpected`) for any role with a filter on the related table.
    # Anonymous: author's filter has a literal (`is_active: {_eq: true}`), a parameter of its own.
    for table, order_by, role in (
        ("article", "{author: {}}", None),
        ("article", "{author: {id: null}}", None),
        ("author", "{articles_aggregate: {}}", "user"),
        ("author", "[{articles_aggregate: {max: {views: null}}}, {id: asc}]", "user"),
    ):
        claims = {"role": role, "org": "acme"} if role else {}
        r = await gql(f"{{ {table}(order_by: {order_by}, limit: 2) {{ id }} }}", **claims)
        assert "errors" not in r, (order_by, r)
        assert len(r["data"][table]) == 2


async def test_an_in_list_on_a_timestamp_column(gql: Callable[..., Any]) -> None:
    # A literal list for `_in` on a column whose cast depends on session settings (timestamptz, date):
    # `= ANY((SELECT …))` was read as ANY's subquery form, a database error.
    q = '{ author(where: {created_at: {_in: ["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"]}}) { id } }'
    r = await gql(q, role="user", org="acme")
    assert r == {"data": {"author": [{"id": 1}, {"id": 2}]}}


async def test_an_empty_selection_set_is_not_a_valid_query(gql: Callable[..., Any]) -> None:
    for q in ("{ author { } }", "{ author { ... on author { } } }", "{ author_aggregate { aggregate { } } }"):
        r = await gql(q, admin=True)
        assert r == {
            "errors": [
                {
                    "message": "not a valid graphql query",
                    "extensions": {"path": "$.query", "code": "validation-failed"},
                }
            ]
        }, q


async def test_an_aggregate_selecting_only_its_typename(gql: Callable[..., Any]) -> None:
    # Nothing aggregated the rows: "more than one row returned by a subquery" (`unexpected`).
    for q, expected in (
        ("{ article_aggregate { __typename } }", {"__typename": "article_aggregate"}),
        (
            "{ article_aggregate { aggregate { __typename } } }",
            {"aggregate": {"__typename": "article_aggregate_fields"}},
        ),
        (
            '{ article_aggregate(where: {title: {_eq: "none"}}) { t: __typename } }',
            {"t": "article_aggregate"},
        ),
    ):
        assert await gql(q, admin=True) == {"data": {"article_aggregate": expected}}, q


async def test_on_conflict_takes_one_update_column_without_a_list(gql: Callable[..., Any]) -> None:
    q = """mutation { insert_author_one(object: {id: 1, name: "Ada", org: "acme"},
        on_conflict: {constraint: author_pkey, update_columns: name}) { id name } }"""
    assert await gql(q, admin=True) == {"data": {"insert_author_one": {"id": 1, "name": "Ada"}}}
