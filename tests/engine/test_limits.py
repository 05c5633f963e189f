"""Hasura's api_limits: depth, node, batch, time and rate limits per role, the admin exempt, the metadata
API's set/remove, and the limits PostgreSQL itself has surfacing as validation errors."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gqlengine.graphql.auth import Session
from gqlengine.graphql.limits import ApiLimits, Limiter

from .conftest import (
    SCHEMA,
    TABLES,
    Client,
    drop_database,
    new_database,
    start_engine,
    write_metadata,
)

LIMITS = """
disabled: false
depth_limit: {global: 3, per_role: {anonymous: 1}}
node_limit: {global: 4, per_role: {anonymous: 2}}
batch_limit: {global: 3, per_role: {anonymous: 2}}
time_limit: {global: 10, per_role: {user: 1}}
rate_limit:
  global: {max_reqs_per_min: 1000}
  per_role:
    reader: {max_reqs_per_min: 3, unique_params: [x-hasura-author-ids]}
"""

SLOW = """
create function author_slow(a author) returns text language sql stable
  as $$ select a.name from pg_sleep(3) $$;
"""


def _tables() -> dict[str, str]:
    author = TABLES["public_author.yaml"].replace(
        "        computed_fields:\n",
        "        computed_fields:\n"
        "          - name: slow\n"
        "            definition: {function: {name: author_slow, schema: public}}\n",
    )
    author = author.replace(
        "computed_fields: [upper_name, session_org, published]",
        "computed_fields: [upper_name, session_org, published, slow]",
    )
    return {**TABLES, "public_author.yaml": author}


@pytest.fixture(scope="module")
async def limited(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    url = await new_database(pg_url, SCHEMA + SLOW)
    meta: Path = write_metadata(tmp_path_factory.mktemp("limits_md"), _tables())
    (meta / "api_limits.yaml").write_text(textwrap.dedent(LIMITS))
    engine, http = await start_engine(url, meta)
    try:
        yield Client(http)
    finally:
        await http.aclose()
        await engine.close()
        await drop_database(url)


DEEP = "{ author { articles { author { id } } } }"  # depth 3, 3 nodes


def _code(r: dict[str, Any]) -> tuple[str, str]:
    error = r["errors"][0]
    return error["extensions"]["code"], error["message"]


async def test_depth_limit_per_role_and_global(limited: Client) -> None:
    assert _code(await limited.gql("{ author { articles { id } } }")) == (
        "validation-failed",
        "The operation exceeds the depth limit of 1",
    )
    assert "data" in await limited.gql("{ author { id } }")  # depth 1 is fine for anonymous
    # `user` has no override: the global limit (3) applies.
    assert "data" in await limited.gql(DEEP, role="user", org="acme")
    deeper = "{ author { articles { author { articles { id } } } } }"
    assert _code(await limited.gql(deeper, role="user", org="acme")) == (
        "validation-failed",
        "The operation exceeds the depth limit of 3",
    )
    assert "data" in await limited.gql(deeper, admin=True)  # admin is never limited


async def test_introspection_is_not_counted(limited: Client) -> None:
    r = await limited.gql("{ __schema { queryType { fields { name type { name ofType { name } } } } } }")
    assert "data" in r


async def test_node_limit_counts_fields_with_a_selection(limited: Client) -> None:
    r = await limited.gql("{ a: author { id } b: author { id } c: author { id } }")
    assert _code(r) == ("validation-failed", "The operation exceeds the node limit of 2")
    assert "data" in await limited.gql("{ a: author { id name } b: author { id } }")


async def test_fragments_count_as_collected(limited: Client) -> None:
    # A fragment spread twice in one selection is one set of fields; spread under two keys, two.
    once = "{ author { ...F ...F } } fragment F on author { id }"
    assert "data" in await limited.gql(once)
    twice = "{ a: author { ...F } b: author { ...F } c: author { ...F } } fragment F on author { id }"
    assert _code(await limited.gql(twice))[1] == "The operation exceeds the node limit of 2"


async def test_batch_limit(limited: Client) -> None:
    one = {"query": "{ author { id } }"}
    r = await limited.http.post("/v1/graphql", json=[one] * 1000)
    assert r.status_code == 200
    assert r.json() == {
        "errors": [
            {
                "message": "The batch exceeds the batch limit of 2",
                "extensions": {"path": "$", "code": "validation-failed"},
            }
        ]
    }
    ok = await limited.http.post("/v1/graphql", json=[one] * 2)
    assert [list(x) for x in ok.json()] == [["data"], ["data"]]


async def test_rate_limit_per_role_and_session_variable(limited: Client) -> None:
    q = "{ author { id } }"
    for _ in range(3):
        assert "data" in await limited.gql(q, role="reader", author_ids="{1}")
    r = await limited.gql(q, role="reader", author_ids="{1}")
    assert r == {
        "errors": [
            {
                "message": "rate limit of 3 exceeded",
                "extensions": {"path": "$", "code": "rate-limit-exceeded"},
            }
        ]
    }
    # Another value of the unique parameter has its own window.
    assert "data" in await limited.gql(q, role="reader", author_ids="{2}")


def test_the_rate_window_slides() -> None:
    limiter = Limiter(ApiLimits.parse({"rate_limit": {"global": {"max_reqs_per_min": 2}}}))
    who = Session("user")
    limiter.check_rate(who, None, now=0.0)
    limiter.check_rate(who, None, now=30.0)
    with pytest.raises(Exception, match="rate limit of 2 exceeded"):
        limiter.check_rate(who, None, now=59.0)
    limiter.check_rate(who, None, now=60.5)  # the first request left the window


async def test_time_limit_cancels_the_statement(limited: Client) -> None:
    r = await asyncio.wait_for(limited.gql("{ author { slow } }", role="user", org="acme"), timeout=30)
    assert _code(r) == ("timeout", "The operation exceeds the time limit of 1 seconds")
    # The statement was cancelled with the request, not left running in the database.
    sql = (
        "select count(*) from pg_stat_activity where pid <> pg_backend_pid() "
        "and state = 'active' and query like '%author_slow%'"
    )
    r2 = await limited.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": sql}})
    assert r2.json()["result"] == [["count"], ["0"]]


async def test_disabled_limits_apply_to_nobody(limited: Client) -> None:
    exported = (await limited.admin_post("/v1/metadata", {"type": "export_metadata", "args": {}})).json()
    limits = exported["api_limits"]
    try:
        await _set(limited, {**limits, "disabled": True})
        assert "data" in await limited.gql("{ author { articles { id } } }")
    finally:
        await _set(limited, limits)
    assert "errors" in await limited.gql("{ author { articles { id } } }")


async def _set(client: Client, args: Any) -> httpx.Response:
    r = await client.admin_post("/v1/metadata", {"type": "set_api_limits", "args": args})
    return r


async def test_set_remove_export_replace_round_trip(limited: Client) -> None:
    export = {"type": "export_metadata", "args": {}}
    before = (await limited.admin_post("/v1/metadata", export)).json()
    new = {"disabled": False, "depth_limit": {"global": 5, "per_role": {"anonymous": 2}}}
    r = await _set(limited, new)
    assert (r.status_code, r.json()) == (200, {"message": "success"})
    assert (await limited.admin_post("/v1/metadata", export)).json()["api_limits"] == new
    assert "data" in await limited.gql("{ author { articles { id } } }")  # depth 2 now allowed
    r = await limited.admin_post("/v1/metadata", {"type": "remove_api_limits", "args": {}})
    assert r.json() == {"message": "success"}
    assert "api_limits" not in (await limited.admin_post("/v1/metadata", export)).json()
    r = await limited.admin_post("/v1/metadata", {"type": "replace_metadata", "args": before})
    assert r.status_code == 200, r.text
    assert (await limited.admin_post("/v1/metadata", export)).json() == before
    assert _code(await limited.gql("{ author { articles { id } } }"))[0] == "validation-failed"


async def test_set_api_limits_refuses_what_hasura_refuses(limited: Client) -> None:
    bad = [
        {"depth_limit": {"per_role": {"x": 1}}},  # `global` is mandatory
        {"rate_limit": {"global": {"max_reqs_per_min": 10, "unique_params": "HOST"}}},
        {"rate_limit": {"global": {"max_reqs_per_min": 10, "unique_params": ["x-hasura-role"]}}},
        {"node_limit": {"global": "many"}},
        {"unknown_limit": {"global": 1}},
    ]
    for args in bad:
        r = await _set(limited, args)
        assert r.status_code == 400, args
        assert r.json()["code"] == "parse-failed", r.json()


async def test_database_limits_are_validation_errors(limited: Client) -> None:
    # More root fields than a statement has columns (1664), as admin (no api limits).
    aliases = " ".join(f"a{i}: author_by_pk(id: 1) {{ id }}" for i in range(1700))
    assert _code(await limited.gql(f"{{ {aliases} }}", admin=True))[0] == "validation-failed"
    # More values than a statement takes parameters.
    branches = [{"name": {"_eq": f"n{i}"}} for i in range(33000)]
    r = await limited.gql(
        "query($w: author_bool_exp!) { author(where: $w) { id } }", {"w": {"_or": branches}}, admin=True
    )
    assert _code(r)[0] == "validation-failed"
