"""Bodies no client means to send, and a database that is gone: each answered in Hasura's error shape
with a stable code, never an HTTP 500 or an `unexpected` error."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from devdb import pgserver
from gqlengine.graphql.bodies import MAX_GRAPHQL_BODY_BYTES, MAX_JSON_DEPTH

from .conftest import SCHEMA, Client, drop_database, new_database, start_engine, write_metadata


def _error(r: Any) -> tuple[str, str]:
    error = r.json()["errors"][0]
    return error["extensions"]["code"], error["message"]


@pytest.mark.parametrize("path", ["/v1/graphql", "/v1alpha1/graphql", "/v1/metadata", "/v2/query"])
async def test_nesting_beyond_python_recursion_is_invalid_json(client: Client, path: str) -> None:
    body = "[" * 100_000 + "]" * 100_000  # was a RecursionError: HTTP 500 in plain text
    r = await client.http.post(
        path, content=body, headers={"x-hasura-admin-secret": "engine-test-admin-secret"}
    )
    assert r.status_code in (200, 400)
    assert r.headers["content-type"].startswith("application/json")
    text = r.json()
    code = text["errors"][0]["extensions"]["code"] if "errors" in text else text["code"]
    assert code == "invalid-json"


async def test_json_depth_limit_is_exact(client: Client) -> None:
    def where(levels: int) -> Any:
        value: Any = {"id": {"_eq": 1}}  # two levels
        for _ in range(levels - 2):
            value = {"_not": value}
        return value

    q = "query($w: author_bool_exp) { author(where: $w) { id } }"
    # The body and `variables` are two more levels.
    ok = await client.http.post(
        "/v1/graphql", json={"query": q, "variables": {"w": where(MAX_JSON_DEPTH - 2)}}
    )
    assert ok.json() == {"data": {"author": [{"id": 1}]}}, ok.text  # an even number of _not
    deep = await client.http.post(
        "/v1/graphql", json={"query": q, "variables": {"w": where(MAX_JSON_DEPTH - 1)}}
    )
    assert _error(deep) == ("invalid-json", f"Error in $: JSON nested more than {MAX_JSON_DEPTH} levels deep")


async def test_a_body_too_large_is_413(client: Client) -> None:
    body = json.dumps({"query": "{ author { id } }", "variables": {"pad": "x" * MAX_GRAPHQL_BODY_BYTES}})
    r = await client.http.post("/v1/graphql", content=body)
    assert r.status_code == 413
    assert _error(r)[0] == "bad-request"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"query": "{ author { id } }", "variables": {"x": NaN}}', "invalid-json"),
        ('{"query": "{ author { id } }", "variables": {"x": Infinity}}', "invalid-json"),
        (
            '{"query": "query($r: numeric) { author(where: {rating: {_eq: $r}}) { id } }", '
            '"variables": {"r": 1e400}}',
            "validation-failed",
        ),
        ('{"query": "{ author(where: {rating: {_eq: 1e400}}) { id } }"}', "validation-failed"),
        ('{"query": "{ author { id } }", "operationName": 12}', "parse-failed"),
    ],
)
async def test_numbers_json_does_not_have(client: Client, raw: str, code: str) -> None:
    r = await client.http.post(
        "/v1/graphql", content=raw, headers={"x-hasura-admin-secret": "engine-test-admin-secret"}
    )
    assert r.status_code == 200
    assert _error(r)[0] == code


async def test_a_query_nested_beyond_the_parser_is_a_validation_error(gql: Callable[..., Any]) -> None:
    deep = "{ author " + "{ articles " * 3000 + "{ id }" + " }" * 3000 + " }"
    r = await gql(deep, admin=True)
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


@pytest.fixture
async def doomed(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Client, str]]:
    url = await new_database(pg_url, SCHEMA)
    meta: Path = write_metadata(tmp_path_factory.mktemp("outage_md"))
    engine, http = await start_engine(url, meta)
    try:
        yield Client(http), url
    finally:
        await http.aclose()
        await engine.close()
        await drop_database(url)


async def _take_down(url: str) -> None:
    """The database stops answering: its connections are cut and new ones refused."""
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(pgserver.with_database(url, "postgres"))
    try:
        await admin.execute(f'alter database "{name}" allow_connections false')
        await admin.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", name)
    finally:
        await admin.close()


async def _bring_back(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(pgserver.with_database(url, "postgres"))
    try:
        await admin.execute(f'alter database "{name}" allow_connections true')
    finally:
        await admin.close()


async def test_a_database_outage_is_a_retryable_postgres_error(doomed: tuple[Client, str]) -> None:
    client, url = doomed
    assert "data" in await client.gql("{ author { id } }", admin=True)
    await _take_down(url)
    try:
        for query in (
            "{ author { id } }",
            'mutation { insert_author_one(object: {name: "x", org: "o"}) { id } }',
        ):
            r = await client.http.post(
                "/v1/graphql",
                json={"query": query},
                headers={"x-hasura-admin-secret": "engine-test-admin-secret", "x-request-id": "req-42"},
            )
            assert r.status_code == 200
            assert r.headers["x-request-id"] == "req-42"
            assert r.json() == {
                "errors": [
                    {
                        "message": "database unavailable, retry later",
                        "extensions": {
                            "path": "$",
                            "code": "postgres-error",
                            "retryable": True,
                            "request_id": "req-42",
                        },
                    }
                ]
            }
    finally:
        await _bring_back(url)
    # Once it is back, the same request is answered (the pool reconnects).
    assert "data" in await client.gql("{ author { id } }", admin=True)
