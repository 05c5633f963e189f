"""Inherited roles: Hasura's combination of the parent roles' permissions (the engine tests' schema: `user`
reads its org's authors with most columns, `anonymous` reads active authors' id and name)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Client

ROLE = "user_or_anonymous"


async def meta(client: Client, op: str, args: Any) -> httpx.Response:
    return await client.admin_post("/v1/metadata", {"type": op, "args": args})


async def ok(client: Client, op: str, args: Any) -> Any:
    r = await meta(client, op, args)
    assert r.status_code == 200, r.text
    return r.json()


async def as_role(client: Client, query: str, role: str = ROLE, **claims: Any) -> Any:
    return await client.gql(
        query,
        headers={"x-hasura-role": role, **{f"x-hasura-{k.replace('_', '-')}": v for k, v in claims.items()}},
        admin=True,
    )


async def test_select_combines_the_parents_and_nulls_cells_only_some_parents_allow(client: Client) -> None:
    await ok(client, "add_inherited_role", {"role_name": ROLE, "role_set": ["user", "anonymous"]})
    out = await as_role(client, "{ author(order_by: {id: asc}) { id name rating org } }", org="acme")
    # Ada and Bob through `user` (org acme); Dee through `anonymous` (active), which may not see rating or
    # org; Cyd (globex, inactive) through neither.
    assert out == {
        "data": {
            "author": [
                {"id": 1, "name": "Ada", "rating": 4.5, "org": "acme"},
                {"id": 2, "name": "Bob", "rating": 3.25, "org": "acme"},
                {"id": 4, "name": "Dee", "rating": None, "org": None},
            ]
        }
    }
    # Aggregations come from `user`; only the cells the role may see are summed.
    out = await as_role(client, "{ author_aggregate { aggregate { count sum { rating } } } }", org="acme")
    assert out == {"data": {"author_aggregate": {"aggregate": {"count": 3, "sum": {"rating": 7.75}}}}}
    # A NOT NULL column some rows hide is nullable in the role's schema.
    types = await as_role(client, '{ __type(name: "author") { fields { name type { kind } } } }')
    kinds = {f["name"]: f["type"]["kind"] for f in types["data"]["__type"]["fields"]}
    assert kinds["org"] == "SCALAR" and kinds["id"] == "NON_NULL"
    # A column no parent allows is not there at all.
    out = await as_role(client, "{ author { bio } }", org="acme")
    assert out["errors"][0]["message"] == "field 'bio' not found in type: 'author'"


async def test_relationships_limits_and_an_explicit_permission(client: Client) -> None:
    # article: `user` sees its org's articles (limit 2), `anonymous` published ones (no limit).
    out = await as_role(client, "{ article(order_by: {id: asc}) { id } }", org="globex")
    assert [a["id"] for a in out["data"]["article"]] == [1, 3, 4, 5, 6]  # no limit: one parent has none
    # An explicit permission for the inherited role wins over the combination.
    perm = {"columns": ["id"], "filter": {"id": {"_eq": 3}}}
    await ok(client, "pg_create_select_permission", {"table": "article", "role": ROLE, "permission": perm})
    out = await as_role(client, "{ article { id } }", org="globex")
    assert out == {"data": {"article": [{"id": 3}]}}
    await ok(client, "pg_drop_select_permission", {"table": "article", "role": ROLE})


async def test_mutations_are_inherited_only_when_the_parents_agree(client: Client) -> None:
    insert = 'mutation { insert_author(objects: {name: "Eve", rating: 1}) { returning { name org } } }'
    out = await as_role(client, insert, org="acme")  # only `user` may insert: its permission is inherited
    assert out == {"data": {"insert_author": {"returning": [{"name": "Eve", "org": "acme"}]}}}
    other = {"columns": ["name"], "set": {"org": "anon"}, "check": {}}
    await ok(
        client, "pg_create_insert_permission", {"table": "author", "role": "anonymous", "permission": other}
    )
    report = await ok(client, "get_inconsistent_metadata", {})
    assert report["inconsistent_objects"] == [
        {
            "reason": f"Could not inherit permission for the role '{ROLE}' for the entity: "
            "'insert permission, table: author, source: 'default''",
            "name": ROLE,
            "type": "inherited role permission inconsistency",
            "entity": {"permission_type": "insert", "source": "default", "table": "author"},
        }
    ]
    out = await as_role(client, insert, org="acme")  # (the role still updates articles, as `user` does)
    assert out["errors"][0]["message"] == "field 'insert_author' not found in type: 'mutation_root'"
    await ok(client, "pg_drop_insert_permission", {"table": "author", "role": "anonymous"})
    assert (await ok(client, "get_inconsistent_metadata", {}))["is_consistent"] is True


async def test_metadata_operations(client: Client) -> None:
    nested = {"role_name": "everyone", "role_set": [ROLE, "reader"]}
    await ok(client, "add_inherited_role", nested)
    out = await as_role(
        client, "{ author(order_by: {id: asc}) { id } }", role="everyone", org="acme", author_ids="{3}"
    )
    either = '{ author(where: {_or: [{org: {_eq: "acme"}}, {is_active: {_eq: true}}, {id: {_eq: 3}}]}, order_by: {id: asc}) { id } }'  # noqa: E501
    expected = (await client.gql(either, admin=True))["data"]["author"]
    assert {"id": 3} in expected and out["data"]["author"] == expected  # a parent may itself be inherited
    exported = await ok(client, "export_metadata", {})
    assert exported["inherited_roles"] == [{"role_name": ROLE, "role_set": ["user", "anonymous"]}, nested]
    r = await meta(client, "add_inherited_role", {"role_name": ROLE, "role_set": ["everyone"]})
    assert (r.status_code, r.json()["code"]) == (400, "cyclic-dependency")
    r = await meta(client, "add_inherited_role", {"role_name": "x", "role_set": ["x", "user"]})
    assert r.json()["error"] == "an inherited role name cannot be in the role combination"
    r = await meta(client, "add_inherited_role", {"role_name": "x", "role_set": ["user", "nobody"]})
    assert (r.status_code, r.json()["code"]) == (400, "invalid-configuration")
    await ok(client, "drop_inherited_role", {"role_name": "everyone"})
    r = await meta(client, "drop_inherited_role", {"role_name": "everyone"})
    assert (r.status_code, r.json()["error"]) == (400, '"everyone" inherited role doesn\'t exist')
    out = await as_role(client, "{ author { id } }", role="everyone")
    assert out["errors"][0]["message"] == "field 'author' not found in type: 'query_root'"
