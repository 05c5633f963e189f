"""Role permissions: row filters with session variables, column visibility, limits, aggregates, root
fields."""

from __future__ import annotations


async def test_row_filter_uses_session_variable(gql):
    r = await gql("{ author(order_by: {id: asc}) { id org } }", role="user", org="acme")
    assert r == {"data": {"author": [{"id": 1, "org": "acme"}, {"id": 2, "org": "acme"}]}}
    r = await gql("{ author(order_by: {id: asc}) { id } }", role="user", org="globex")
    assert r["data"]["author"] == [{"id": 3}, {"id": 4}]


async def test_by_pk_of_another_org_is_null(gql):
    assert await gql("{ author_by_pk(id: 3) { id } }", role="user", org="acme") == {
        "data": {"author_by_pk": None}
    }


async def test_filter_through_relationship_permission(gql):
    # article's filter follows author.org; comment's follows article.author.org.
    r = await gql("{ comment(order_by: {id: asc}) { body article { title } } }", role="user", org="acme")
    assert r["data"]["comment"] == [
        {"body": "great", "article": {"title": "Engines"}},
        {"body": "meh", "article": {"title": "Engines"}},
        {"body": "bien", "article": {"title": "Bonjour"}},
    ]


async def test_where_on_relationship_applies_the_target_permission(gql):
    # Bob's article is published; anonymous sees Bob's article only via rows anonymous may see.
    r = await gql('{ article(where: {author: {name: {_eq: "Cyd"}}}) { id } }', role="anonymous")
    assert r == {"data": {"article": []}}  # Cyd is inactive: hidden from anonymous, so no match
    r = await gql('{ article(where: {author: {name: {_eq: "Bob"}}}) { id } }', role="anonymous")
    assert r == {"data": {"article": [{"id": 3}]}}


async def test_hidden_column_is_a_validation_error(gql):
    r = await gql("{ author { id bio } }", role="user", org="acme")
    assert r == {
        "errors": [
            {
                "message": "field 'bio' not found in type: 'author'",
                "extensions": {"path": "$.selectionSet.author.selectionSet.bio", "code": "validation-failed"},
            }
        ]
    }
    r = await gql('{ author(where: {bio: {_eq: "math"}}) { id } }', role="user", org="acme")
    assert r["errors"][0]["message"] == "field 'bio' not found in type: 'author_bool_exp'"


async def test_table_without_permission_is_absent(gql):
    r = await gql("{ secret { id } }", role="user", org="acme")
    assert r["errors"][0]["message"] == "field 'secret' not found in type: 'query_root'"
    r = await gql("{ comment { id } }", role="anonymous")
    assert r["errors"][0]["message"] == "field 'comment' not found in type: 'query_root'"
    # ...and so is the relationship leading to it.
    r = await gql("{ article { comments { id } } }", role="anonymous")
    assert r["errors"][0]["message"] == "field 'comments' not found in type: 'article'"


async def test_role_without_any_table_sees_no_queries(gql):
    r = await gql("{ author { id } }", role="stranger")
    assert r["errors"][0]["message"] == "field 'author' not found in type: 'query_root'"


async def test_permission_limit_caps_rows(gql):
    r = await gql("{ article(order_by: {id: asc}) { id } }", role="user", org="acme")
    assert r["data"]["article"] == [{"id": 1}, {"id": 2}]
    r = await gql("{ article(order_by: {id: asc}, limit: 10) { id } }", role="user", org="acme")
    assert len(r["data"]["article"]) == 2
    r = await gql("{ article(order_by: {id: asc}, limit: 1) { id } }", role="user", org="acme")
    assert r["data"]["article"] == [{"id": 1}]
    # Nested array relationships are capped too.
    r = await gql("{ author_by_pk(id: 1) { articles { id } } }", role="user", org="acme")
    assert len(r["data"]["author_by_pk"]["articles"]) == 2


async def test_aggregates_only_where_allowed(gql):
    r = await gql("{ author_aggregate { aggregate { count } } }", role="user", org="globex")
    assert r == {"data": {"author_aggregate": {"aggregate": {"count": 2}}}}
    r = await gql("{ author_aggregate { aggregate { count } } }", role="anonymous")
    assert r["errors"][0]["message"] == "field 'author_aggregate' not found in type: 'query_root'"
    r = await gql("{ author { articles_aggregate { aggregate { count } } } }", role="anonymous")
    assert r["errors"][0]["message"] == "field 'articles_aggregate' not found in type: 'author'"


async def test_aggregate_counts_only_permitted_rows(gql):
    r = await gql("{ article_aggregate { aggregate { count } nodes { id } } }", role="user", org="globex")
    # The permission limit (2) caps `nodes` only: the aggregate counts all 3 permitted rows, as Hasura does.
    assert r["data"]["article_aggregate"]["aggregate"]["count"] == 3
    assert len(r["data"]["article_aggregate"]["nodes"]) == 2


async def test_order_by_aggregate_respects_target_permission(gql):
    r = await gql(
        "{ author(order_by: [{articles_aggregate: {count: desc}}, {id: asc}]) { id } }",
        role="user",
        org="acme",
    )
    assert [a["id"] for a in r["data"]["author"]] == [1, 2]


async def test_array_session_variable(gql):
    r = await gql("{ author(order_by: {id: asc}) { id } }", role="reader", author_ids="{1,3}")
    assert r["data"]["author"] == [{"id": 1}, {"id": 3}]
    r = await gql("{ author(order_by: {id: asc}) { id } }", role="reader", author_ids=[2, 4])
    assert r["data"]["author"] == [{"id": 2}, {"id": 4}]


async def test_query_root_fields_restrict_root_fields(gql):
    r = await gql("{ author_by_pk(id: 1) { id } }", role="reader", author_ids="{1}")
    assert r["errors"][0]["message"] == "field 'author_by_pk' not found in type: 'query_root'"


async def test_missing_session_variable(gql):
    r = await gql("{ author { id } }", role="user")
    assert r == {
        "errors": [
            {
                "message": 'missing session variable: "x-hasura-org"',
                "extensions": {"path": "$", "code": "not-found"},
            }
        ]
    }


async def test_computed_field_permission_and_session_argument(gql):
    r = await gql(
        "{ author(order_by: {id: asc}, limit: 1) { upper_name session_org } }", role="user", org="acme"
    )
    assert r["data"]["author"] == [{"upper_name": "ADA", "session_org": "acme"}]
    r = await gql("{ author { upper_name } }", role="anonymous")
    assert r["errors"][0]["message"] == "field 'upper_name' not found in type: 'author'"


async def test_computed_fields_in_permission_filters(gql):
    # A set-returning computed field filters like an array relationship: some returned row must match.
    r = await gql("{ author(order_by: {id: asc}) { id } }", role="fan")
    assert r == {"data": {"author": [{"id": 1}, {"id": 4}]}}
    # Scalar ones compare like columns (session variables too) and get the session argument if they take it.
    r = await gql("{ author { id name } }", role="namesake", org="acme", name="BOB")
    assert r == {"data": {"author": [{"id": 2, "name": "Bob"}]}}
    r = await gql("{ author { id } }", role="namesake", org="acme", name="NOBODY")
    assert r == {"data": {"author": []}}


async def test_exists_in_permission_filter(gql):
    r = await gql(
        "{ article_aggregate: article(order_by: {id: asc}) { id } }", role="auditor", secret="hidden"
    )
    assert len(r["data"]["article_aggregate"]) == 6
    r = await gql("{ article { id } }", role="auditor", secret="wrong")
    assert r == {"data": {"article": []}}
