"""RESTified endpoints, query collections, the allow list and the OpenAPI document, as Hasura has them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gqlengine.graphql.execute import Engine, Settings
from gqlengine.server.app import create_app

from .conftest import ADMIN_SECRET, Client, auth_config, token, write_metadata

AUTHORS_BY_ORG = "query ($org: String!, $active: Boolean) { author(where: {org: {_eq: $org}, is_active: {_eq: $active}}, order_by: {id: asc}) { id name } }"  # noqa: E501
TOP_ARTICLES = "query ($min: bigint = 0, $limit: Int, $ids: [Int!]) { article(where: {views: {_gte: $min}, id: {_in: $ids}}, order_by: {id: asc}, limit: $limit) { id views } }"  # noqa: E501
USER_AUTHORS = "query { author(order_by: {id: asc}) { id name org } }"


async def meta(client: Client, op: str, args: Any) -> httpx.Response:
    return await client.admin_post("/v1/metadata", {"type": op, "args": args})


async def ok(client: Client, op: str, args: Any) -> Any:
    r = await meta(client, op, args)
    assert r.status_code == 200, r.text
    return r.json()


def endpoint(name: str, url: str, query: str, methods: list[str] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "url": url,
        "methods": methods or ["GET"],
        "definition": {"query": {"collection_name": "c", "query_name": query}},
    }


@pytest.fixture(scope="module")
async def rest(client: Client) -> AsyncIterator[Client]:
    queries = [
        {"name": "authors_by_org", "query": AUTHORS_BY_ORG},
        {"name": "top_articles", "query": TOP_ARTICLES},
        {"name": "user_authors", "query": USER_AUTHORS},
    ]
    await ok(client, "create_query_collection", {"name": "c", "definition": {"queries": queries}})
    await ok(client, "create_rest_endpoint", endpoint("by_org", "orgs/:org/authors", "authors_by_org"))
    await ok(client, "create_rest_endpoint", endpoint("top", "articles/top", "top_articles", ["GET", "POST"]))
    await ok(client, "create_rest_endpoint", endpoint("mine", "me/authors", "user_authors"))
    yield client


async def test_url_template_and_query_string_variables(rest: Client) -> None:
    r = await rest.http.get("/api/rest/orgs/acme/authors", headers={"x-hasura-admin-secret": ADMIN_SECRET})
    assert r.status_code == 200 and r.json() == {
        "author": [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Bob"}]
    }
    # A Boolean given as a bare key is true; as JSON text it is read as JSON.
    r = await rest.http.get(
        "/api/rest/orgs/globex/authors?active", headers={"x-hasura-admin-secret": ADMIN_SECRET}
    )
    assert r.json() == {"author": [{"id": 4, "name": "Dee"}]}
    r = await rest.http.get(
        "/api/rest/orgs/globex/authors?active=false", headers={"x-hasura-admin-secret": ADMIN_SECRET}
    )
    assert r.json() == {"author": [{"id": 3, "name": "Cyd"}]}
    # The URL's value wins over the query string's.
    r = await rest.http.get(
        "/api/rest/orgs/globex/authors?org=acme&active=false", headers={"x-hasura-admin-secret": ADMIN_SECRET}
    )
    assert r.json() == {"author": [{"id": 3, "name": "Cyd"}]}


async def test_typed_variables_from_text_and_from_a_json_body(rest: Client) -> None:
    admin = {"x-hasura-admin-secret": ADMIN_SECRET}
    r = await rest.http.get("/api/rest/articles/top?min=200", headers=admin)
    assert r.json() == {"article": [{"id": 5, "views": 300}, {"id": 6, "views": 200}]}
    r = await rest.http.post("/api/rest/articles/top", json={"min": 100, "ids": [1, 6]}, headers=admin)
    assert r.json() == {"article": [{"id": 1, "views": 100}, {"id": 6, "views": 200}]}
    r = await rest.http.get("/api/rest/articles/top?ids=[1]", headers=admin)
    assert (r.status_code, r.json()) == (
        400,
        {
            "path": "$",
            "error": 'List variables are not currently supported in URL or Query parameters. (Variable ids, with value "[1]")',  # noqa: E501
            "code": "bad-request",
        },
    )
    r = await rest.http.get("/api/rest/articles/top?min=200&limit=1", headers=admin)
    assert r.json() == {"article": [{"id": 5, "views": 300}]}
    r = await rest.http.get("/api/rest/articles/top?limit=lots", headers=admin)
    assert r.status_code == 400 and r.json()["code"] == "validation-failed"
    r = await rest.http.get("/api/rest/articles/top?max=1", headers=admin)
    assert (r.status_code, r.json()) == (
        400,
        {"path": "$", "error": "Unexpected variable max", "code": "bad-request"},
    )


async def test_same_auth_and_permissions_as_graphql(rest: Client) -> None:
    r = await rest.http.get(
        "/api/rest/me/authors", headers={"authorization": f"Bearer {token('user', org='acme')}"}
    )
    assert r.json() == {
        "author": [{"id": 1, "name": "Ada", "org": "acme"}, {"id": 2, "name": "Bob", "org": "acme"}]
    }
    r = await rest.http.get(
        "/api/rest/me/authors", headers={"authorization": f"Bearer {token('user', org='globex')}"}
    )
    assert [a["org"] for a in r.json()["author"]] == ["globex", "globex"]
    r = await rest.http.get("/api/rest/me/authors", headers={"x-hasura-admin-secret": "wrong"})
    assert (r.status_code, r.json()) == (
        401,
        {"path": "$", "error": "invalid x-hasura-admin-secret/x-hasura-access-key", "code": "access-denied"},
    )
    r = await rest.http.get("/api/rest/me/authors")  # the unauthorized role has no `org` column
    assert (r.status_code, r.json()["code"]) == (400, "validation-failed")


async def test_not_found_and_wrong_method(rest: Client) -> None:
    admin = {"x-hasura-admin-secret": ADMIN_SECRET}
    r = await rest.http.get("/api/rest/orgs/acme", headers=admin)
    assert (r.status_code, r.json()) == (
        404,
        {"path": "$", "error": "Endpoint not found", "code": "not-found"},
    )
    r = await rest.http.put("/api/rest/articles/top", headers=admin)
    assert (r.status_code, r.json()) == (
        405,
        {"path": "$", "error": "Allowed methods: GET, POST", "code": "method-not-allowed"},
    )


async def test_endpoint_metadata_survives_export_and_replace(rest: Client) -> None:
    exported = await ok(rest, "export_metadata", {})
    assert [e["name"] for e in exported["rest_endpoints"]] == ["by_org", "top", "mine"]
    assert exported["query_collections"][0]["name"] == "c"
    await ok(rest, "replace_metadata", exported)
    assert await ok(rest, "export_metadata", {}) == exported
    r = await rest.http.get("/api/rest/orgs/acme/authors", headers={"x-hasura-admin-secret": ADMIN_SECRET})
    assert r.status_code == 200


async def test_refused_edits(rest: Client) -> None:
    r = await meta(rest, "create_rest_endpoint", endpoint("clash", "orgs/:name/authors", "authors_by_org"))
    body = r.json()
    assert (r.status_code, body["code"]) == (400, "invalid-configuration")
    assert body["error"] == "Ambiguous URL paths: orgs/:name/authors, orgs/:org/authors"
    assert [c["name"] for c in body["internal"][0]["conflicts"]] == ["clash", "by_org"]
    r = await meta(rest, "create_rest_endpoint", endpoint("by_org", "elsewhere", "authors_by_org"))
    assert (r.status_code, r.json()["error"]) == (400, "Endpoint by_org already exists")
    r = await meta(rest, "create_rest_endpoint", endpoint("ghost", "ghost", "nothing"))
    assert (
        r.json()["error"]
        == "Inconsistent object: in endpoint ghost: query with name nothing does not exist in collection c"
    )
    r = await meta(
        rest,
        "add_query_to_collection",
        {"collection_name": "c", "query_name": "top_articles", "query": "{ x }"},
    )
    assert (r.status_code, r.json()["code"]) == (400, "already-exists")
    r = await meta(rest, "drop_rest_endpoint", {"name": "nope"})
    assert (r.status_code, r.json()["error"]) == (400, "Endpoint nope does not exist")


async def test_a_stored_query_that_no_longer_validates_blocks_the_edit(rest: Client) -> None:
    sql = {"sql": "create table note (id int primary key, body text); insert into note values (1, 'hi')"}
    await ok(rest, "run_sql", sql)
    await ok(rest, "track_table", {"table": {"schema": "public", "name": "note"}})
    await ok(
        rest,
        "add_query_to_collection",
        {"collection_name": "c", "query_name": "notes", "query": "{ note { id body } }"},
    )
    await ok(rest, "create_rest_endpoint", endpoint("notes", "notes", "notes"))
    r = await meta(rest, "untrack_table", {"table": {"schema": "public", "name": "note"}})
    body = r.json()
    assert (r.status_code, body["code"], body["error"]) == (
        500,
        "unexpected",
        "cannot continue due to newly found inconsistent metadata",
    )
    assert body["internal"] == [
        {
            "definition": {"name": "notes", "query": "{ note { id body } }"},
            "reason": 'Inconsistent object: In query collection "c" the query "notes" is invalid with the '
            "following error(s): \"$.note: field 'note' not found in object 'query_root'\". This query is "
            'being used in the following REST endpoint(s): "notes"',
            "name": "query_collections notes in c",
            "type": "query_collections",
        }
    ]
    r = await rest.http.get("/api/rest/notes", headers={"x-hasura-admin-secret": ADMIN_SECRET})
    assert r.json() == {"note": [{"id": 1, "body": "hi"}]}  # the refused edit changed nothing
    await ok(rest, "drop_rest_endpoint", {"name": "notes"})
    await ok(rest, "drop_query_from_collection", {"collection_name": "c", "query_name": "notes"})
    await ok(rest, "untrack_table", {"table": {"schema": "public", "name": "note"}})
    await ok(rest, "run_sql", {"sql": "drop table note"})


async def test_openapi_document(rest: Client) -> None:
    r = await rest.http.get(
        "/api/swagger/json", headers={"authorization": f"Bearer {token('user', org='acme')}"}
    )
    assert (r.status_code, r.json()["error"]) == (400, "restricted access : admin only")
    doc = (await rest.http.get("/api/swagger/json", headers={"x-hasura-admin-secret": ADMIN_SECRET})).json()
    assert doc["info"]["title"] == "Rest Endpoints" and doc["openapi"] == "3.0.0"
    by_org = doc["paths"]["/api/rest/orgs/{org}/authors"]["get"]
    assert [(p["name"], p["in"], p.get("required")) for p in by_org["parameters"]] == [
        ("x-hasura-admin-secret", "header", None),
        ("active", "query", False),
        ("org", "path", True),
    ]
    top = doc["paths"]["/api/rest/articles/top"]
    assert set(top) == {"get", "post"} and "requestBody" not in top["get"]
    assert top["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["ids"] == {
        "nullable": True,
        "type": "array",
        "items": {"title": "Int", "nullable": False, "type": "integer"},
    }
    # Only known scalars are parameters: `ids` is a list and `bigint` has no OpenAPI type.
    assert top["get"]["parameters"][1:] == [
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}}
    ]
    assert top["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["min"] == {
        "title": "bigint",
        "nullable": True,
        "default": 0,
    }
    assert doc["components"]["schemas"]["bigint"] == {"title": "bigint", "nullable": True}
    item = top["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["article"]
    assert item["type"] == "array" and set(item["items"]["properties"]) == {"id", "views"}


async def test_openapi_lists_fields_the_schema_lacks(engine_db: str, tmp_path: Path) -> None:
    meta_dir = write_metadata(tmp_path)
    (meta_dir / "query_collections.yaml").write_text(
        "- name: c\n  definition:\n    queries:\n"
        "      - name: q\n        query: '{ nothing author { nope } }'\n"
    )
    (meta_dir / "rest_endpoints.yaml").write_text(
        "- name: broken\n  url: broken\n  methods: [GET]\n"
        "  definition: {query: {collection_name: c, query_name: q}}\n"
    )
    engine, http = await _engine(engine_db, meta_dir)
    try:
        assert engine.model is not None and [i["type"] for i in engine.model.inconsistencies] == [
            "query_collections"
        ]
        doc = (await http.get("/api/swagger/json", headers={"x-hasura-admin-secret": ADMIN_SECRET})).json()
        assert doc["info"]["description"] == (
            'This OpenAPI specification is automatically generated by Hasura.\n\nEndpoint "broken":\n'
            "- ⚠️ $.nothing: field 'nothing' not found in object 'query_root'\n"
            "- ⚠️ $.author.nope: field 'nope' not found in object 'author'"
        )
    finally:
        await http.aclose()
        await engine.close()


async def _engine(url: str, metadata: Path, **settings: Any) -> tuple[Engine, httpx.AsyncClient]:
    import os

    os.environ["ENGINE_TEST_DATABASE_URL"] = url
    app = create_app(
        Settings(metadata_dir=metadata, database_url=url, auth=auth_config(), pool_size=2, **settings)
    )
    engine: Engine = app.state.engine
    await engine.start()
    return engine, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://engine")


async def test_allow_list_admits_only_listed_queries_for_non_admins(engine_db: str, tmp_path: Path) -> None:
    engine, http = await _engine(engine_db, write_metadata(tmp_path), enable_allowlist=True)
    client = Client(http)
    listed = "query Names { author { id name } }"
    try:
        out = await client.gql(listed, role="user", org="acme")
        assert out["errors"] == [
            {"message": "query is not allowed", "extensions": {"path": "$", "code": "validation-failed"}}
        ]
        assert "errors" not in await client.gql("{ secret { value } }", admin=True)  # admin is exempt
        await ok(
            client,
            "create_query_collection",
            {"name": "ok", "definition": {"queries": [{"name": "n", "query": listed}]}},
        )
        assert "errors" in await client.gql(
            listed, role="user", org="acme"
        )  # a collection alone allows nothing
        await ok(client, "add_collection_to_allowlist", {"collection": "ok"})
        # Compared parsed, without __typename: layout and typename selections do not matter.
        same = "query Names {\n  author { __typename id\n name }\n}"
        assert (await client.gql(same, role="user", org="acme"))["data"]["author"]
        assert "errors" in await client.gql("query Names { author { id } }", role="user", org="acme")
        r = await meta(client, "drop_query_collection", {"collection": "ok", "cascade": False})
        assert (r.status_code, r.json()["code"]) == (400, "dependency-error")
        await ok(client, "drop_collection_from_allowlist", {"collection": "ok"})
        assert "errors" in await client.gql(listed, role="user", org="acme")
        await ok(
            client,
            "add_collection_to_allowlist",
            {"collection": "ok", "scope": {"global": False, "roles": ["user"]}},
        )
        assert "errors" in await client.gql(listed, role="user", org="acme")  # role scopes are not CE's
        # REST endpoints run their stored query through the same check.
        endpoint_args = {"name": "names", "url": "names", "methods": ["GET"]}
        endpoint_args["definition"] = {"query": {"collection_name": "ok", "query_name": "n"}}
        await ok(client, "create_rest_endpoint", endpoint_args)
        user = {"authorization": f"Bearer {token('user', org='acme')}"}
        r = await http.get("/api/rest/names", headers=user)
        assert (r.status_code, r.json()["error"]) == (400, "query is not allowed")
        await ok(
            client, "update_scope_of_collection_in_allowlist", {"collection": "ok", "scope": {"global": True}}
        )
        assert (await http.get("/api/rest/names", headers=user)).status_code == 200
        await ok(client, "drop_rest_endpoint", {"name": "names"})
        await ok(client, "drop_query_collection", {"collection": "ok", "cascade": True})
        assert "allowlist" not in await ok(client, "export_metadata", {})
    finally:
        await http.aclose()
        await engine.close()
