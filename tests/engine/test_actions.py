"""Synchronous actions: permission, Hasura's webhook body, output validation, handler errors."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .conftest import Client, start_engine, token, write_metadata

ACTIONS_GRAPHQL = """
type Query {
  checkAccess(capability: String!, quality: String, tier: Tier): AccessDecision
  findAuthors: [AuthorRef!]!
}
type Mutation {
  reserve(input: ReserveInput!): ReserveOutput
  broken(kind: String!): ReserveOutput!
}
enum Tier { fast premium }
input ReserveInput { amount: numeric!  key: String! }
type ReserveOutput { reservation_id: String!  balance_after: numeric!  note: String }
type AccessDecision { allowed: Boolean!  reason: String }
type AuthorRef { author_id: Int!  tag: String  inner: AuthorRef }
"""

ACTIONS_YAML = """
actions:
  - name: checkAccess
    definition:
      kind: synchronous
      handler: '{{ENGINE_TEST_ACTIONS_URL}}/check'
      forward_client_headers: true
    permissions:
      - role: user
  - name: reserve
    definition:
      kind: synchronous
      handler: '{{ENGINE_TEST_ACTIONS_URL}}/reserve'
      headers:
        - name: x-actions-secret
          value_from_env: ENGINE_TEST_ACTIONS_SECRET
        - name: x-static
          value: "1"
      timeout: 5
    permissions:
      - role: service
  - name: findAuthors
    definition:
      handler: '{{ENGINE_TEST_ACTIONS_URL}}/authors'
    permissions:
      - role: user
      - role: auditor
  - name: broken
    definition:
      kind: synchronous
      handler: '{{ENGINE_TEST_ACTIONS_URL}}/broken'
      timeout: 1
    permissions:
      - role: service
custom_types:
  enums:
    - name: Tier
  input_objects:
    - name: ReserveInput
  objects:
    - name: ReserveOutput
    - name: AccessDecision
    - name: AuthorRef
      relationships:
        - name: author
          type: object
          remote_table: {schema: public, name: author}
          field_mapping: {author_id: id}
        - name: articles
          type: array
          remote_table: {schema: public, name: article}
          field_mapping: {author_id: author_id}
"""

received: list[dict[str, Any]] = []


async def check(request: Request) -> Response:
    body = await request.json()
    received.append({"path": "check", "body": body, "headers": dict(request.headers)})
    return JSONResponse({"allowed": body["input"]["capability"] == "ok", "reason": None})


async def reserve(request: Request) -> Response:
    body = await request.json()
    received.append({"path": "reserve", "body": body, "headers": dict(request.headers)})
    if body["input"]["input"]["amount"] > 100:
        return JSONResponse(
            {
                "message": "not enough credits",
                "extensions": {"code": "insufficient_credits", "available": 100},
            },
            status_code=400,
        )
    return JSONResponse(
        {"reservation_id": "r1", "balance_after": 90.5, "note": "extra fields are fine", "unexpected": 1}
    )


async def broken(request: Request) -> Response:
    kind = (await request.json())["input"]["kind"]
    if kind == "500":
        return JSONResponse({"message": "boom"}, status_code=500)
    if kind == "missing":
        return JSONResponse({"reservation_id": "r1"})
    if kind == "null":
        return JSONResponse(None)
    if kind == "array":
        return JSONResponse([{"reservation_id": "r1", "balance_after": 1}])
    if kind == "scalar":
        return JSONResponse("r1")
    if kind == "legacy":
        return JSONResponse({"message": "old style", "code": "legacy_code"}, status_code=422)
    if kind == "slow":
        await asyncio.sleep(3)
    return Response("not json", media_type="text/plain")


async def authors(request: Request) -> Response:
    return JSONResponse(
        [{"author_id": 1, "tag": "a", "inner": {"author_id": 4}}, {"author_id": 3}, {"author_id": 99}]
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
async def actions_client(engine_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    port = _free_port()
    handler = Starlette(
        routes=[
            Route("/check", check, methods=["POST"]),
            Route("/reserve", reserve, methods=["POST"]),
            Route("/broken", broken, methods=["POST"]),
            Route("/authors", authors, methods=["POST"]),
        ]
    )
    server = uvicorn.Server(uvicorn.Config(handler, host="127.0.0.1", port=port, log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes readiness only as this flag
        await asyncio.sleep(0.02)
    os.environ["ENGINE_TEST_ACTIONS_URL"] = f"http://127.0.0.1:{port}"
    os.environ["ENGINE_TEST_ACTIONS_SECRET"] = "s3cret"
    meta = write_metadata(
        tmp_path_factory.mktemp("actions_md"), actions_graphql=ACTIONS_GRAPHQL, actions_yaml=ACTIONS_YAML
    )
    engine, http = await start_engine(engine_db, meta)
    yield Client(http)
    await http.aclose()
    await engine.close()
    server.should_exit = True
    await task


async def test_mutation_action_posts_hasura_body_and_returns_selected_fields(actions_client):
    received.clear()
    q = 'mutation { reserve(input: {amount: 10, key: "k1"}) { reservation_id balance_after __typename } }'
    r = await actions_client.gql(q, role="service", org="acme")
    assert r == {
        "data": {"reserve": {"reservation_id": "r1", "balance_after": 90.5, "__typename": "ReserveOutput"}}
    }
    (call,) = received
    assert call["body"] == {
        "action": {"name": "reserve"},
        "input": {"input": {"amount": 10, "key": "k1"}},
        "session_variables": {"x-hasura-role": "service", "x-hasura-org": "acme"},
        "request_query": q,
    }
    assert call["headers"]["x-actions-secret"] == "s3cret"
    assert call["headers"]["x-static"] == "1"


async def test_query_action_with_variables_and_forwarded_headers(actions_client):
    received.clear()
    r = await actions_client.gql(
        "query($c: String!) { checkAccess(capability: $c) { allowed reason } }",
        {"c": "ok"},
        role="user",
        org="acme",
        headers={"x-request-id": "abc"},
    )
    assert r == {"data": {"checkAccess": {"allowed": True, "reason": None}}}
    assert received[0]["headers"]["x-request-id"] == "abc"
    assert received[0]["body"]["input"] == {"capability": "ok"}


async def test_action_enum_argument(actions_client):
    received.clear()
    q = 'query($t: Tier) { checkAccess(capability: "ok", tier: $t) { allowed } }'
    r = await actions_client.gql(q, {"t": "premium"}, role="user", org="acme")
    assert r == {"data": {"checkAccess": {"allowed": True}}}
    assert received[0]["body"]["input"] == {"capability": "ok", "tier": "premium"}
    r = await actions_client.gql(q, {"t": "gold"}, role="user", org="acme")
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


async def test_action_needs_permission(actions_client):
    r = await actions_client.gql(
        'mutation { reserve(input: {amount: 1, key: "k"}) { reservation_id } }', role="user", org="acme"
    )
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    r = await actions_client.gql('{ checkAccess(capability: "x") { allowed } }', role="service")
    assert r["errors"][0]["message"] == "field 'checkAccess' not found in type: 'query_root'"


async def test_handler_4xx_extensions_pass_through(actions_client):
    r = await actions_client.gql(
        'mutation { reserve(input: {amount: 500, key: "k"}) { reservation_id } }', role="service"
    )
    assert r == {
        "errors": [
            {
                "message": "not enough credits",
                "extensions": {"code": "insufficient_credits", "available": 100},
            }
        ]
    }


async def test_handler_4xx_legacy_code(actions_client):
    r = await actions_client.gql('mutation { broken(kind: "legacy") { reservation_id } }', role="service")
    assert r == {"errors": [{"message": "old style", "extensions": {"path": "$", "code": "legacy_code"}}]}


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("500", "internal error"),
        ("missing", 'field "balance_after" expected in webhook response, but not found'),
        ("null", "got null for the action webhook response"),
        ("array", "got array for the action webhook response, expecting ReserveOutput"),
        ("scalar", "got scalar String for the action webhook response, expecting ReserveOutput"),
        ("text", "not a valid json response from webhook"),
        ("slow", "http exception when calling webhook"),
    ],
)
async def test_handler_misbehaviour_is_unexpected(actions_client, kind, message):
    r = await actions_client.gql(
        f'mutation {{ broken(kind: "{kind}") {{ reservation_id }} }}', role="service"
    )
    assert "data" not in r
    assert r["errors"][0]["message"] == message
    assert r["errors"][0]["extensions"]["code"] == "unexpected"


async def test_an_answer_that_does_not_fit_shows_admin_the_call(actions_client):
    q = 'mutation { broken(kind: "missing") { reservation_id } }'
    r = await actions_client.gql(q, admin=True)
    internal = r["errors"][0]["extensions"]["internal"]
    # Hasura's ActionInternalError: the handler as configured (template unresolved), what was sent and got.
    assert internal["error"] == "unexpected response"
    assert internal["request"] == {
        "url": "{{ENGINE_TEST_ACTIONS_URL}}/broken",
        "body": {
            "action": {"name": "broken"},
            "input": {"kind": "missing"},
            "session_variables": {"x-hasura-role": "admin"},
            "request_query": q,
        },
        "headers": [],
        "transformed_request": None,
    }
    assert internal["response"]["status"] == 200
    assert internal["response"]["body"] == {"reservation_id": "r1"}
    assert {"name": "content-type", "value": "application/json"} in internal["response"]["headers"]


async def test_internal_details_only_for_admin(actions_client):
    r = await actions_client.gql('mutation { broken(kind: "500") { reservation_id } }', admin=True)
    assert json.dumps(r["errors"][0]["extensions"]["internal"])
    r = await actions_client.gql('mutation { broken(kind: "500") { reservation_id } }', role="service")
    assert "internal" not in r["errors"][0]["extensions"]


async def test_an_argument_whose_variable_was_not_sent_is_left_out(actions_client):
    received.clear()
    q = "query($c: String!, $q: String) { checkAccess(capability: $c, quality: $q) { allowed } }"
    r = await actions_client.gql(q, {"c": "ok"}, role="user", org="acme")
    assert r == {"data": {"checkAccess": {"allowed": True}}}
    assert received[0]["body"]["input"] == {"capability": "ok"}
    r = await actions_client.gql(q, {"c": "ok", "q": None}, role="user", org="acme")
    assert received[1]["body"]["input"] == {"capability": "ok", "quality": None}


async def test_an_unsent_variable_takes_its_default(actions_client):
    received.clear()
    q = 'query($c: String!, $q: String = "high") { checkAccess(capability: $c, quality: $q) { allowed } }'
    await actions_client.gql(q, {"c": "ok"}, role="user", org="acme")
    assert received[0]["body"]["input"] == {"capability": "ok", "quality": "high"}


async def test_an_unsent_variable_inside_an_input_object_is_left_out(actions_client):
    received.clear()
    q = "mutation($a: numeric!, $k: String) { reserve(input: {amount: $a, key: $k}) { reservation_id } }"
    r = await actions_client.gql(q, {"a": 1}, role="service")
    # key is required by ReserveInput, so leaving it out is the client's error, never an internal one
    assert r["errors"][0]["extensions"]["code"] != "unexpected"
    assert received == []


async def test_output_relationships_join_tables_under_the_roles_permissions(actions_client):
    q = """{ findAuthors {
        author_id tag
        author { name }
        articles(order_by: {id: asc}) { title }
        articles_aggregate { aggregate { count } }
        inner { author_id author { name } }
    } }"""
    r = await actions_client.gql(q, admin=True)
    assert r == {
        "data": {
            "findAuthors": [
                {
                    "author_id": 1,
                    "tag": "a",
                    "author": {"name": "Ada"},
                    "articles": [{"title": "Engines"}, {"title": "Analytical"}],
                    "articles_aggregate": {"aggregate": {"count": 2}},
                    "inner": {"author_id": 4, "author": {"name": "Dee"}},
                },
                {
                    "author_id": 3,
                    "tag": None,
                    "author": {"name": "Cyd"},
                    "articles": [{"title": "Poems"}],
                    "articles_aggregate": {"aggregate": {"count": 1}},
                },
                {
                    "author_id": 99,
                    "tag": None,
                    "author": None,
                    "articles": [],
                    "articles_aggregate": {"aggregate": {"count": 0}},
                },
            ]
        }
    }
    # user of acme sees acme's authors and articles only (and at most 2 articles: the permission's limit).
    r = await actions_client.gql(
        "{ findAuthors { author_id author { name } articles { title } } }", role="user", org="acme"
    )
    assert r == {
        "data": {
            "findAuthors": [
                {
                    "author_id": 1,
                    "author": {"name": "Ada"},
                    "articles": [{"title": "Engines"}, {"title": "Analytical"}],
                },
                {"author_id": 3, "author": None, "articles": []},
                {"author_id": 99, "author": None, "articles": []},
            ]
        }
    }
    # auditor may select articles but not authors: no `author` field for that role.
    r = await actions_client.gql("{ findAuthors { author_id author { name } } }", role="auditor")
    assert r["errors"][0]["message"] == "field 'author' not found in type: 'AuthorRef'"


async def test_a_handler_header_may_not_read_the_engines_own_settings(client):
    action = {
        "name": "leaky",
        "definition": {
            "kind": "synchronous",
            "arguments": [],
            "output_type": "String",
            "handler": "http://127.0.0.1:9/leak",
            "headers": [{"name": "x-secret", "value_from_env": "HASURA_GRAPHQL_ADMIN_SECRET"}],
        },
    }
    r = await client.admin_post("/v1/metadata", {"type": "create_action", "args": action})
    assert r.status_code == 400
    assert r.json() == {
        "path": "$.definition.headers[0]",
        "error": 'env variables starting with "HASURA_GRAPHQL_" are not allowed in value_from_env: '
        "HASURA_GRAPHQL_ADMIN_SECRET",
        "code": "parse-failed",
    }


async def test_a_number_beyond_a_float_is_refused_before_the_handler(actions_client):
    # 1e400 reads as infinity in Python; the handler's JSON cannot carry it (it was an `unexpected` error).
    received.clear()
    literal = 'mutation { reserve(input: {amount: 1e400, key: "k"}) { reservation_id } }'
    r = await actions_client.gql(literal, role="service", org="acme")
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    assert "out of range" in r["errors"][0]["message"]
    q = "mutation($i: ReserveInput!) { reserve(input: $i) { reservation_id } }"
    raw = json.dumps({"query": q, "variables": {"i": {"amount": "AMOUNT", "key": "k"}}})
    raw = raw.replace('"AMOUNT"', "1e400")  # no JSON encoder writes it: the text a client could send
    headers = {"authorization": f"Bearer {token('service', org='acme')}", "content-type": "application/json"}
    resp = await actions_client.http.post("/v1/graphql", content=raw, headers=headers)
    assert resp.status_code == 200
    assert resp.json()["errors"][0]["extensions"]["code"] == "validation-failed"
    assert received == []  # the handler was never called
