"""Declared variables the client does not send: the argument or input field is absent (GraphQL spec, Hasura),
never null and never an internal error."""

from __future__ import annotations

from typing import Any


async def test_an_unsent_limit_is_no_limit(gql: Any) -> None:
    q = "query($l: Int) { author(order_by: {id: asc}, limit: $l) { id } }"
    everyone = await gql(q, admin=True)
    assert len(everyone["data"]["author"]) >= 4
    assert await gql(q, {"l": 1}, admin=True) == {"data": {"author": [{"id": 1}]}}
    # The limit is written into the statement: each value gets its own plan, never another value's.
    assert await gql(q, {"l": 2}, admin=True) == {"data": {"author": [{"id": 1}, {"id": 2}]}}
    assert await gql(q, {"l": None}, admin=True) == everyone
    assert await gql(q, {"l": 1}, admin=True) == {"data": {"author": [{"id": 1}]}}


async def test_an_unsent_comparison_operand_is_no_condition(gql: Any) -> None:
    q = "query($name: String) { author(where: {name: {_eq: $name}}, order_by: {id: asc}) { name } }"
    all_names = [a["name"] for a in (await gql(q, admin=True))["data"]["author"]]
    assert {"Ada", "Cyd", "Dee"} <= set(all_names)
    assert await gql(q, {"name": "Ada"}, admin=True) == {"data": {"author": [{"name": "Ada"}]}}


async def test_an_unsent_set_column_is_not_changed(gql: Any) -> None:
    q = """mutation($id: Int!, $bio: String, $rating: numeric) {
      update_author_by_pk(pk_columns: {id: $id}, _set: {bio: $bio, rating: $rating}) { bio rating }
    }"""
    r = await gql(q, {"id": 4, "rating": 4.5}, admin=True)
    assert r == {"data": {"update_author_by_pk": {"bio": "dev", "rating": 4.5}}}
    r = await gql(q, {"id": 4, "bio": None}, admin=True)  # an explicit null is a value
    assert r == {"data": {"update_author_by_pk": {"bio": None, "rating": 4.5}}}


async def test_an_unsent_variable_with_a_default_uses_it(gql: Any) -> None:
    q = 'query($name: String = "Dee") { author(where: {name: {_eq: $name}}) { name } }'
    assert await gql(q, admin=True) == {"data": {"author": [{"name": "Dee"}]}}


async def test_variables_inside_a_json_literal_are_part_of_the_value(gql):
    q = (
        'mutation($l: jsonb, $n: String!) { insert_author_one(object: {name: $n, org: "acme", '
        "tags: {lang: [$l], level: 2}}) { tags } }"
    )
    r = await gql(q, {"l": "de", "n": "Json"}, admin=True)
    assert r == {"data": {"insert_author_one": {"tags": {"lang": ["de"], "level": 2}}}}
    r = await gql(q, {"l": {"x": 1}, "n": "Json2"}, admin=True)
    assert r["data"]["insert_author_one"]["tags"] == {"lang": [{"x": 1}], "level": 2}


async def test_nulls_where_values_are_required_are_refused_in_hasuras_words(gql):
    r = await gql('mutation { update_author(where: null, _set: {bio: "x"}) { affected_rows } }', admin=True)
    assert r["errors"][0] == {
        "message": "expected an object for type 'author_bool_exp', but found null",
        "extensions": {"path": "$.selectionSet.update_author.args.where", "code": "validation-failed"},
    }
    r = await gql("query($id: Int!) { author_by_pk(id: $id) { id } }", {"id": None}, admin=True)
    assert r["errors"][0] == {
        "message": 'null value found for non-nullable type: "Int!"',
        "extensions": {"path": "$", "code": "validation-failed"},
    }
