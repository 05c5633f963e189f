"""Queries as admin: root fields, where operators, ordering, paging, relationships, aggregates."""

from __future__ import annotations

import pytest


async def test_select_returns_rows_with_nested_relationships(gql):
    r = await gql(
        """{ author(order_by: {id: asc}, limit: 2) { id name articles(order_by: {id: asc}) {
        title comments(order_by: {id: desc}) { body } } } }""",
        admin=True,
    )
    assert r == {
        "data": {
            "author": [
                {
                    "id": 1,
                    "name": "Ada",
                    "articles": [
                        {"title": "Engines", "comments": [{"body": "meh"}, {"body": "great"}]},
                        {"title": "Analytical", "comments": []},
                    ],
                },
                {"id": 2, "name": "Bob", "articles": [{"title": "Bonjour", "comments": [{"body": "bien"}]}]},
            ]
        }
    }


async def test_object_relationship_and_typename(gql):
    r = await gql("{ article_by_pk(id: 3) { __typename title author { __typename name } } }", admin=True)
    assert r == {
        "data": {
            "article_by_pk": {
                "__typename": "article",
                "title": "Bonjour",
                "author": {"__typename": "author", "name": "Bob"},
            }
        }
    }


async def test_by_pk_missing_row_is_null(gql):
    assert await gql("{ author_by_pk(id: 999) { id } }", admin=True) == {"data": {"author_by_pk": None}}


@pytest.mark.parametrize(
    ("where", "ids"),
    [
        ("{id: {_eq: 2}}", [2]),
        ("{id: {_neq: 2}}", [1, 3, 4]),
        ("{id: {_gt: 2}}", [3, 4]),
        ("{id: {_gte: 2}}", [2, 3, 4]),
        ("{id: {_lt: 2}}", [1]),
        ("{id: {_lte: 2}}", [1, 2]),
        ("{id: {_in: [1, 3]}}", [1, 3]),
        ("{id: {_nin: [1, 3]}}", [2, 4]),
        ("{id: {_in: []}}", []),
        ("{bio: {_is_null: true}}", [2]),
        ("{bio: {_is_null: false}}", [1, 3, 4]),
        ('{name: {_like: "A%"}}', [1]),
        ('{name: {_nlike: "A%"}}', [2, 3, 4]),
        ('{name: {_ilike: "a%"}}', [1]),
        ('{name: {_nilike: "a%"}}', [2, 3, 4]),
        ('{name: {_similar: "(Ada|Bob)"}}', [1, 2]),
        ('{name: {_nsimilar: "(Ada|Bob)"}}', [3, 4]),
        ('{name: {_regex: "^[AB]"}}', [1, 2]),
        ('{name: {_iregex: "^[ab]"}}', [1, 2]),
        ('{name: {_nregex: "^[AB]"}}', [3, 4]),
        ('{name: {_niregex: "^[ab]"}}', [3, 4]),
        ("{tags: {_contains: {level: 3}}}", [1]),
        ("{tags: {_contained_in: {level: 1, other: 2}}}", [4]),
        ('{tags: {_has_key: "lang"}}', [1, 2]),
        ('{tags: {_has_keys_any: ["lang", "level"]}}', [1, 2, 4]),
        ('{tags: {_has_keys_all: ["lang", "level"]}}', [1]),
        ('{tags: {_cast: {String: {_ilike: "%FR%"}}}}', [2]),
        ('{rating: {_gt: "4"}}', [1, 4]),
        ('{created_at: {_eq: "2024-01-01T00:00:00Z"}}', [1, 2, 3, 4]),
        ("{_and: [{id: {_gt: 1}}, {id: {_lt: 4}}]}", [2, 3]),
        ('{_or: [{id: {_eq: 1}}, {name: {_eq: "Dee"}}]}', [1, 4]),
        ("{_not: {id: {_eq: 1}}}", [2, 3, 4]),
        ("{_and: []}", [1, 2, 3, 4]),
        ("{_or: []}", []),
        ("{articles: {views: {_gte: 200}}}", [4]),
        ('{articles: {comments: {body: {_eq: "bien"}}}}', [2]),
        ('{upper_name: {_eq: "CYD"}}', [3]),
        ("{}", [1, 2, 3, 4]),
    ],
)
async def test_where_operators(gql, where, ids):
    r = await gql(f"{{ author(where: {where}, order_by: {{id: asc}}) {{ id }} }}", admin=True)
    assert r == {"data": {"author": [{"id": i} for i in ids]}}, r


async def test_where_through_object_relationship(gql):
    r = await gql(
        '{ article(where: {author: {name: {_eq: "Dee"}}}, order_by: {id: asc}) { id } }', admin=True
    )
    assert r["data"]["article"] == [{"id": 5}, {"id": 6}]


@pytest.mark.parametrize(
    ("order", "ids"),
    [
        ("{rating: asc}", [2, 1, 4, 3]),
        ("{rating: asc_nulls_first}", [3, 2, 1, 4]),
        ("{rating: desc}", [3, 4, 1, 2]),
        ("{rating: desc_nulls_last}", [4, 1, 2, 3]),
        ("[{is_active: asc}, {name: desc}]", [3, 4, 2, 1]),
        ("{articles_aggregate: {count: desc}, id: asc}", [1, 4, 2, 3]),
        ("{articles_aggregate: {max: {views: desc_nulls_last}}}", [4, 1, 2, 3]),
        ("{upper_name: desc}", [4, 3, 2, 1]),
    ],
)
async def test_order_by(gql, order, ids):
    r = await gql(f"{{ author(order_by: {order}) {{ id }} }}", admin=True)
    assert [a["id"] for a in r["data"]["author"]] == ids, r


async def test_order_by_object_relationship_column(gql):
    r = await gql("{ article(order_by: [{author: {name: desc}}, {id: asc}]) { id } }", admin=True)
    assert [a["id"] for a in r["data"]["article"]] == [5, 6, 4, 3, 1, 2]


async def test_limit_offset_and_distinct_on(gql):
    r = await gql("{ author(order_by: {id: asc}, limit: 2, offset: 1) { id } }", admin=True)
    assert r["data"]["author"] == [{"id": 2}, {"id": 3}]
    # Hasura reads offset as a BigInt, which takes a string of digits too; limit stays a strict Int.
    r = await gql('{ author(order_by: {id: asc}, limit: 1, offset: "2") { id } }', admin=True)
    assert r["data"]["author"] == [{"id": 3}]
    r = await gql('{ author(limit: "1") { id } }', admin=True)
    assert r["errors"][0]["extensions"] == {
        "path": "$.selectionSet.author.args.limit",
        "code": "validation-failed",
    }
    r = await gql("{ author(distinct_on: org, order_by: [{org: asc}, {id: desc}]) { id org } }", admin=True)
    assert r["data"]["author"] == [{"id": 2, "org": "acme"}, {"id": 4, "org": "globex"}]
    r = await gql("{ author(distinct_on: [org], order_by: {id: asc}) { id } }", admin=True)
    assert r["errors"][0]["message"] == '"distinct_on" columns must match initial "order_by" columns'


async def test_aggregates(gql):
    r = await gql(
        """{ article_aggregate(where: {published: {_eq: true}}) { aggregate {
        count c2: count(columns: [author_id], distinct: true) sum { views } avg { views } max { title views }
        min { views } stddev { views } stddev_pop { views } stddev_samp { views } var_pop { views }
        var_samp { views } variance { views } } nodes { id } } }""",
        admin=True,
    )
    agg = r["data"]["article_aggregate"]["aggregate"]
    assert agg["count"] == 4 and agg["c2"] == 4
    assert agg["sum"] == {"views": 417}
    assert agg["avg"] == {"views": 104.25}
    assert agg["max"] == {"title": "Rust", "views": 300}
    assert agg["min"] == {"views": 7}
    assert agg["var_pop"]["views"] == pytest.approx(14169.1875)
    assert agg["variance"]["views"] == agg["var_samp"]["views"] == pytest.approx(18892.25)
    assert agg["stddev"]["views"] == agg["stddev_samp"]["views"]
    assert len(r["data"]["article_aggregate"]["nodes"]) == 4


async def test_nested_aggregate_with_its_own_arguments(gql):
    r = await gql(
        """{ author_by_pk(id: 1) { articles_aggregate(where: {published: {_eq: true}}) {
        aggregate { count } nodes { title } } } }""",
        admin=True,
    )
    assert r["data"]["author_by_pk"]["articles_aggregate"] == {
        "aggregate": {"count": 1},
        "nodes": [{"title": "Engines"}],
    }


async def test_variables_fragments_aliases_and_several_root_fields(gql):
    q = """query Q($id: Int!, $w: author_bool_exp, $names: [String!]) {
      first: author_by_pk(id: $id) { ...A }
      some: author(where: $w, order_by: {id: asc}) { id }
      named: author(where: {name: {_in: $names}}, order_by: {id: asc}) { ... on author { id } }
      __typename
    }
    fragment A on author { id nick: name }"""
    r = await gql(q, {"id": 2, "w": {"org": {"_eq": "globex"}}, "names": ["Ada", "Dee"]}, admin=True)
    assert r == {
        "data": {
            "first": {"id": 2, "nick": "Bob"},
            "some": [{"id": 3}, {"id": 4}],
            "named": [{"id": 1}, {"id": 4}],
            "__typename": "query_root",
        }
    }
    # The same text with another structural variable value compiles a second plan, not a stale one.
    r = await gql(q, {"id": 1, "w": {"org": {"_eq": "acme"}}, "names": []}, admin=True)
    assert r["data"] == {
        "first": {"id": 1, "nick": "Ada"},
        "some": [{"id": 1}, {"id": 2}],
        "named": [],
        "__typename": "query_root",
    }


async def test_column_values_take_strings_as_hasura_does(gql):
    # Hasura reads a column's value with the column type's parser: a string goes to PostgreSQL as text.
    r = await gql(
        '{ author(where: {id: {_in: ["1", "2"]}, is_active: {_eq: "true"}}, order_by: {id: asc}) { id } }',
        admin=True,
    )
    assert r["data"]["author"] == [{"id": 1}, {"id": 2}]
    r = await gql('{ author_by_pk(id: "4") { name } }', admin=True)
    assert r["data"]["author_by_pk"] == {"name": "Dee"}
    r = await gql('{ author(where: {id: {_eq: "four"}}) { id } }', admin=True)
    assert r["errors"][0]["extensions"]["code"] == "data-exception"
    # Not column values: `_is_null` and `limit` stay strict.
    r = await gql('{ author(where: {bio: {_is_null: "true"}}) { id } }', admin=True)
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


async def test_int_literal_beyond_32_bits_is_hasuras_parse_failure(gql):
    r = await gql("{ author(where: {id: {_eq: 2147483648}}) { id } }", admin=True)
    assert r["errors"][0] == {
        "message": "The value 2.147483648e9 lies outside the bounds or is not an integer. "
        "Maybe it is a float, or is there integer overflow?",
        "extensions": {"path": "$.selectionSet.author.args.where.id._eq", "code": "parse-failed"},
    }
    r = await gql("{ author(limit: -3000000000) { id } }", admin=True)
    assert r["errors"][0]["message"].startswith("The value -3.0e9 lies outside the bounds")


async def test_fragment_cycle_is_named_and_located_as_hasura_does(gql):
    q = """{ author { ...A } }
    fragment A on author { id articles { ...B } }
    fragment B on article { title author { ...A } }"""
    r = await gql(q, admin=True)
    assert r["errors"][0] == {
        "message": "the fragment definition(s) A and B form a cycle",
        "extensions": {
            "path": "$.selectionSet.author.selectionSet.A.selectionSet.articles.selectionSet.B"
            ".selectionSet.author.selectionSet",
            "code": "validation-failed",
        },
    }


async def test_skip_and_include_directives(gql):
    q = "query($s: Boolean!) { author_by_pk(id: 1) { id name @skip(if: $s) } }"
    assert (await gql(q, {"s": True}, admin=True))["data"]["author_by_pk"] == {"id": 1}
    assert (await gql(q, {"s": False}, admin=True))["data"]["author_by_pk"] == {"id": 1, "name": "Ada"}


async def test_scalar_encoding(gql):
    r = await gql("{ author_by_pk(id: 1) { rating tags big created_at } }", admin=True)
    assert r["data"]["author_by_pk"] == {
        "rating": 4.5,
        "tags": {"lang": ["en"], "level": 3},
        "big": 9007199254740993,
        "created_at": "2024-01-01T00:00:00+00:00",
    }


async def test_introspection(gql):
    r = await gql('{ __type(name: "author_bool_exp") { name inputFields { name } } }', admin=True)
    names = {f["name"] for f in r["data"]["__type"]["inputFields"]}
    assert {"_and", "_or", "_not", "id", "articles", "upper_name"} <= names
    r = await gql("{ __schema { queryType { name } } }", admin=True)
    assert r == {"data": {"__schema": {"queryType": {"name": "query_root"}}}}
    r = await gql('{ __type(name: "String_comparison_exp") { inputFields { name } } }', admin=True)
    assert "_niregex" in {f["name"] for f in r["data"]["__type"]["inputFields"]}


async def test_validation_errors_have_hasura_shape(gql):
    r = await gql("{ author { nope } }", admin=True)
    assert r == {
        "errors": [
            {
                "message": "field 'nope' not found in type: 'author'",
                "extensions": {
                    "path": "$.selectionSet.author.selectionSet.nope",
                    "code": "validation-failed",
                },
            }
        ]
    }
    r = await gql('{ author(where: {name: {_ne: "x"}}) { id } }', admin=True)
    assert r["errors"][0]["message"] == "field '_ne' not found in type: 'String_comparison_exp'"
    assert r["errors"][0]["extensions"]["path"] == "$.selectionSet.author.args.where.name._ne"
    r = await gql("{ author { id ", admin=True)
    assert r["errors"][0] == {
        "message": "not a valid graphql query",
        "extensions": {"path": "$.query", "code": "validation-failed"},
    }


async def test_data_exception_from_postgres(gql):
    r = await gql('{ author(where: {rating: {_eq: "abc"}}) { id } }', admin=True)
    assert r["errors"][0]["extensions"]["code"] == "data-exception"
    assert "invalid input syntax for type numeric" in r["errors"][0]["message"]


async def test_bad_like_pattern_is_a_bad_request(gql):
    r = await gql('{ author(where: {name: {_like: "\\\\"}}) { id } }', admin=True)
    assert r["errors"][0]["extensions"]["code"] == "bad-request"
    assert r["errors"][0]["message"] == "LIKE pattern must not end with escape character"


async def test_repeated_query_reuses_the_cached_plan(client):
    engine = client.http._transport.app.state.engine
    q = "query($id: Int!) { author_by_pk(id: $id) { name } }"
    await client.gql(q, {"id": 1}, admin=True)
    entry = engine.plans[("admin", q, None)]
    plan = next(iter(entry.plans.values()))
    r = await client.gql(q, {"id": 2}, admin=True)
    assert r["data"]["author_by_pk"] == {"name": "Bob"}
    assert entry.plans == {(): plan}


async def test_set_returning_computed_field_with_arguments_and_ordering(gql):
    r = await gql(
        """{ author(order_by: [{published_aggregate: {count: desc}}, {id: asc}]) {
        id published(order_by: {views: desc}) { title } } }""",
        admin=True,
    )
    assert r["data"]["author"] == [
        {"id": 1, "published": [{"title": "Engines"}]},
        {"id": 2, "published": [{"title": "Bonjour"}]},
        {"id": 3, "published": [{"title": "Poems"}]},
        {"id": 4, "published": [{"title": "Rust"}]},
    ]


async def test_where_on_a_set_returning_computed_field(gql):
    q = '{ author(where: {published: {title: {_ilike: "%o%"}}}, order_by: {id: asc}) { id } }'
    r = await gql(q, admin=True)
    assert r == {"data": {"author": [{"id": 2}, {"id": 3}]}}
    # The rows it filters on are the ones the role may see: user of globex sees no acme article.
    r = await gql("{ author(where: {published: {views: {_gte: 100}}}) { id } }", role="user", org="globex")
    assert r == {"data": {"author": [{"id": 4}]}}


async def test_set_returning_computed_field_applies_target_permission(gql):
    # user sees globex's articles only up to the article permission's limit and filter.
    r = await gql("{ author(order_by: {id: asc}) { id published { id } } }", role="user", org="globex")
    assert r["data"]["author"] == [{"id": 3, "published": [{"id": 4}]}, {"id": 4, "published": [{"id": 5}]}]


async def test_json_path_argument(gql):
    r = await gql(
        '{ author_by_pk(id: 1) { lang: tags(path: "$.lang[0]") level: tags(path: "level") } }', admin=True
    )
    assert r["data"]["author_by_pk"] == {"lang": "en", "level": 3}


async def test_undeclared_variables_are_refused_and_unused_ones_allowed(gql):
    r = await gql("{ author_by_pk(id: 1) { id } }", {"x": 1}, admin=True)
    assert r["errors"][0] == {
        "message": "unexpected variables in variableValues: x",
        "extensions": {"path": "$", "code": "validation-failed"},
    }
    r = await gql("query($x: Int) { author_by_pk(id: 1) { id } }", {"x": 1}, admin=True)
    assert r == {"data": {"author_by_pk": {"id": 1}}}


async def test_batched_requests_answer_in_order(client):
    r = await client.http.post(
        "/v1/graphql",
        json=[{"query": "{ author_by_pk(id: 1) { name } }"}, {"query": "{ nope }"}],
        headers={"x-hasura-admin-secret": "engine-test-admin-secret"},
    )
    body = r.json()
    assert body[0] == {"data": {"author_by_pk": {"name": "Ada"}}}
    assert body[1]["errors"][0]["extensions"]["code"] == "validation-failed"


async def test_negative_limit_is_a_validation_error(gql):
    r = await gql("{ author(limit: -1) { id } }", admin=True)
    assert r["errors"][0] == {
        "message": "expected a non-negative 32-bit integer for type 'Int', but found an integer",
        "extensions": {"path": "$.selectionSet.author.args.limit", "code": "validation-failed"},
    }


async def test_null_operands_are_refused_like_hasura_v2(gql):
    r = await gql("{ author(where: {name: {_eq: null}}) { id } }", admin=True)
    assert r["errors"][0] == {
        "message": "unexpected null value for type 'String'",
        "extensions": {"path": "$.selectionSet.author.args.where.name._eq", "code": "validation-failed"},
    }
    q = "query($n: String) { author(where: {_and: [{name: {_eq: $n}}]}) { id } }"
    r = await gql(q, {"n": None}, admin=True)
    assert r["errors"][0]["extensions"]["path"] == "$.selectionSet.author.args.where._and[0].name._eq"
    r = await gql(q, {"n": "Ada"}, admin=True)
    assert r == {"data": {"author": [{"id": 1}]}}


async def test_where_on_array_relationship_aggregate(gql):
    r = await gql(
        """{ author(where: {articles_aggregate: {count: {predicate: {_gte: 2}}}}, order_by: {id: asc}) {
        id } }""",
        admin=True,
    )
    assert r["data"]["author"] == [{"id": 1}, {"id": 4}]
    r = await gql(
        """{ author(where: {articles_aggregate: {count: {predicate: {_eq: 1},
        filter: {published: {_eq: false}},
        arguments: [id], distinct: true}}}, order_by: {id: asc}) { id } }""",
        admin=True,
    )
    assert r["data"]["author"] == [{"id": 1}, {"id": 4}]


async def test_where_on_aggregate_counts_only_permitted_rows(gql):
    # user's article permission follows the author's org; the limit does not cap a predicate's count.
    r = await gql(
        "{ author(where: {articles_aggregate: {count: {predicate: {_gt: 1}}}}) { id } }",
        role="user",
        org="globex",
    )
    assert r["data"]["author"] == [{"id": 4}]


async def test_descriptions_come_from_database_comments_then_hasuras_defaults(gql):
    q = """{ __type(name: "author") { description fields { name description } } }"""
    r = await gql(q, admin=True)
    t = r["data"]["__type"]
    fields = {f["name"]: f["description"] for f in t["fields"]}
    assert t["description"] == "People who write"
    assert (fields["name"], fields["bio"]) == ("Display name", None)
    assert fields["upper_name"] == "The name in capitals"
    assert fields["published"] == 'A computed field, executes function "author_published"'
    assert fields["articles"] == "An array relationship"
    r = await gql('{ __type(name: "article") { description } }', admin=True)
    assert r["data"]["__type"]["description"] == 'columns and relationships of "article"'
