"""Table mutations with Hasura's permissions: presets, row filters, post-checks, one transaction."""

from __future__ import annotations


async def test_insert_sets_presets_and_returns_rows(gql):
    r = await gql(
        """mutation { insert_author(objects: [{name: "Eve", rating: 2}, {name: "Fay", bio: "x", rating: 3}]) {
        affected_rows returning { name org is_active } } }""",
        role="user",
        org="acme",
    )
    assert r == {
        "data": {
            "insert_author": {
                "affected_rows": 2,
                "returning": [
                    {"name": "Eve", "org": "acme", "is_active": True},
                    {"name": "Fay", "org": "acme", "is_active": True},
                ],
            }
        }
    }


async def test_insert_and_update_take_column_values_as_strings(gql):
    r = await gql(
        """mutation { insert_author_one(object: {name: "Str", org: "acme", is_active: "false", big: "7"}) {
        id is_active big } }""",
        admin=True,
    )
    row = r["data"]["insert_author_one"]
    assert (row["is_active"], row["big"]) == (False, 7)
    r = await gql(
        f'mutation {{ update_author_by_pk(pk_columns: {{id: "{row["id"]}"}}, _set: {{is_active: "true"}}) '
        "{ is_active } }",
        admin=True,
    )
    assert r["data"]["update_author_by_pk"] == {"is_active": True}
    r = await gql(f'mutation {{ delete_author_by_pk(id: "{row["id"]}") {{ id }} }}', admin=True)
    assert r["data"]["delete_author_by_pk"] == {"id": row["id"]}


async def test_preset_column_is_not_in_the_insert_input(gql):
    r = await gql(
        'mutation { insert_author(objects: [{name: "Gus", org: "globex"}]) { affected_rows } }',
        role="user",
        org="acme",
    )
    assert r["errors"][0]["message"] == "field 'org' not found in type: 'author_insert_input'"


async def test_insert_check_failure_rolls_back(gql):
    r = await gql(
        """mutation { insert_author(objects: [{name: "Hal", rating: 4}, {name: "Ivy", rating: 9}]) {
        affected_rows } }""",
        role="user",
        org="acme",
    )
    assert r == {
        "errors": [
            {
                "message": "check constraint of an insert/update permission has failed",
                "extensions": {
                    "path": "$.selectionSet.insert_author.args.objects",
                    "code": "permission-error",
                },
            }
        ]
    }
    r = await gql('{ author(where: {name: {_in: ["Hal", "Ivy"]}}) { id } }', admin=True)
    assert r == {"data": {"author": []}}


async def test_update_only_touches_permitted_rows(gql):
    r = await gql(
        "mutation { update_article(where: {}, _inc: {views: 1}) { affected_rows } }",
        role="user",
        org="globex",
    )
    assert r == {"data": {"update_article": {"affected_rows": 3}}}
    r = await gql("{ article(order_by: {id: asc}) { id views } }", admin=True)
    assert [a["views"] for a in r["data"]["article"]] == [100, 50, 10, 8, 301, 201]


async def test_update_by_pk_and_column_permission(gql):
    r = await gql(
        'mutation { update_article_by_pk(pk_columns: {id: 3}, _set: {title: "Salut"}) { id title } }',
        role="user",
        org="acme",
    )
    assert r == {"data": {"update_article_by_pk": {"id": 3, "title": "Salut"}}}
    r = await gql(
        'mutation { update_article_by_pk(pk_columns: {id: 4}, _set: {title: "X"}) { id } }',
        role="user",
        org="acme",
    )
    assert r == {"data": {"update_article_by_pk": None}}  # globex's row: filtered out
    r = await gql(
        "mutation { update_article(where: {}, _set: {published: true}) { affected_rows } }",
        role="user",
        org="acme",
    )
    assert r["errors"][0]["message"] == "field 'published' not found in type: 'article_set_input'"


async def test_update_check_failure_is_permission_error(gql):
    r = await gql(
        "mutation { update_article(where: {id: {_eq: 1}}, _set: {views: 5000}) { affected_rows } }",
        role="user",
        org="acme",
    )
    assert r["errors"][0]["extensions"]["code"] == "permission-error"
    r = await gql("{ article_by_pk(id: 1) { views } }", admin=True)
    assert r["data"]["article_by_pk"]["views"] == 100


async def test_several_mutations_share_one_transaction(gql):
    r = await gql(
        """mutation { a: update_article(where: {id: {_eq: 2}}, _set: {title: "Changed"}) { affected_rows }
        b: update_article(where: {id: {_eq: 2}}, _set: {views: 99999}) { affected_rows } }""",
        role="user",
        org="acme",
    )
    assert r["errors"][0]["extensions"]["code"] == "permission-error"
    r = await gql("{ article_by_pk(id: 2) { title } }", admin=True)
    assert r["data"]["article_by_pk"]["title"] == "Analytical"


async def test_delete_with_filter_and_no_update_or_delete_without_permission(gql):
    r = await gql("mutation { delete_comment(where: {}) { affected_rows } }", role="user", org="globex")
    assert r == {"data": {"delete_comment": {"affected_rows": 1}}}
    r = await gql("{ comment_aggregate { aggregate { count } } }", admin=True)
    assert r["data"]["comment_aggregate"]["aggregate"]["count"] == 3
    r = await gql("mutation { delete_author(where: {}) { affected_rows } }", role="user", org="acme")
    assert r["errors"][0]["message"] == "field 'delete_author' not found in type: 'mutation_root'"
    r = await gql('mutation { insert_article(objects: [{title: "x"}]) { affected_rows } }', role="anonymous")
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


async def test_constraint_violation(gql):
    r = await gql(
        'mutation { insert_article_one(object: {id: 1, author_id: 1, title: "dup"}) { id } }', admin=True
    )
    assert r["errors"][0]["extensions"]["code"] == "constraint-violation"
    assert r["errors"][0]["message"].startswith("Uniqueness violation.")


async def test_update_with_only_empty_operators_changes_nothing(gql):
    q = (
        "mutation($s: author_set_input!) { update_author(where: {id: {_eq: 1}}, _set: $s) "
        "{ affected_rows returning { id } } }"
    )
    r = await gql(q, {"s": {}}, admin=True)
    assert r == {"data": {"update_author": {"affected_rows": 0, "returning": []}}}
    r = await gql("mutation { update_author(where: {id: {_eq: 1}}) { affected_rows } }", admin=True)
    assert r["errors"][0]["message"].startswith("at least any one of _set, _inc")


async def test_a_column_in_two_update_operators_is_refused(gql):
    r = await gql(
        'mutation { upd: update_article(where: {id: {_eq: 1}}, _set: {views: 1, title: "t"}, '
        "_inc: {views: 2}) { affected_rows } }",
        admin=True,
    )
    assert r == {
        "errors": [
            {
                "message": "Column found in multiple operators: ['views'].",
                "extensions": {"path": "$.selectionSet.upd.args", "code": "validation-failed"},
            }
        ]
    }


async def test_backend_only_header_must_be_a_boolean(client):
    r = await client.gql(
        "{ author { id } }", admin=True, headers={"x-hasura-use-backend-only-permissions": "maybe"}
    )
    assert r["errors"][0]["extensions"] == {"path": "$", "code": "bad-request"}
    assert r["errors"][0]["message"].startswith("x-hasura-use-backend-only-permissions:  Not a valid boolean")
    r = await client.gql(
        "{ author_by_pk(id: 1) { id } }", admin=True, headers={"x-hasura-use-backend-only-permissions": "Yes"}
    )
    assert r == {"data": {"author_by_pk": {"id": 1}}}
