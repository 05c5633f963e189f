"""GraphQL over WebSocket on /v1/graphql: live queries under the role's permissions, both protocols.

The engine runs under uvicorn on a loopback port and the client is the `websockets` library, so the
upgrade, the subprotocol choice and the close codes are the real ones."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt as pyjwt
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gqlengine.graphql.execute import Settings
from gqlengine.server.app import create_app

from .conftest import ADMIN_SECRET, JWT_KEY, auth_config, token, write_metadata

NAMES = "subscription { author(order_by: {id: asc}) { name } }"
ADMIN = {"x-hasura-admin-secret": ADMIN_SECRET}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
async def base_url(engine_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    import os

    os.environ["ENGINE_TEST_DATABASE_URL"] = engine_db
    os.environ["HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL"] = "50"
    settings = Settings(
        metadata_dir=write_metadata(tmp_path_factory.mktemp("ws_md")),
        database_url=engine_db,
        auth=auth_config(),
        pool_size=2,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes readiness only as this flag
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        os.environ.pop("HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL", None)
        server.should_exit = True
        await task


async def _post(base_url: str, query: str, headers: dict[str, str]) -> Any:
    async with httpx.AsyncClient() as http:
        r = await http.post(f"http://{base_url}/v1/graphql", json={"query": query}, headers=headers)
        return r.json()


async def _rename(base_url: str, author_id: int, name: str) -> None:
    q = (
        f"mutation {{ update_author_by_pk(pk_columns: {{id: {author_id}}}, "
        f'_set: {{name: "{name}"}}) {{ id }} }}'
    )
    assert "errors" not in await _post(base_url, q, ADMIN)


async def _receive(ws: ClientConnection) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))


async def test_live_query_sends_the_answer_again_when_it_changes(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        bearer = f"Bearer {token('user', org='acme')}"
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"headers": {"Authorization": bearer}}})
        )
        assert await _receive(ws) == {"type": "connection_ack"}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": NAMES}}))
        # Only acme's authors: the role's row filter applies to live queries as to queries.
        assert await _receive(ws) == {
            "type": "next",
            "id": "1",
            "payload": {"data": {"author": [{"name": "Ada"}, {"name": "Bob"}]}},
        }
        await _rename(base_url, 2, "Bobby")
        try:
            assert await _receive(ws) == {
                "type": "next",
                "id": "1",
                "payload": {"data": {"author": [{"name": "Ada"}, {"name": "Bobby"}]}},
            }
        finally:
            await _rename(base_url, 2, "Bob")
        await ws.send(json.dumps({"type": "complete", "id": "1"}))
        await ws.send(json.dumps({"type": "ping"}))
        # The rename back is not sent: the subscription was completed before the next refetch.
        assert await _receive(ws) == {"type": "pong"}


async def test_legacy_protocol_queries_and_errors(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"headers": ADMIN}}))
        assert await _receive(ws) == {"type": "connection_ack"}
        assert await _receive(ws) == {"type": "ka"}
        query = {"query": "{ author_by_pk(id: 1) { name } }"}
        await ws.send(json.dumps({"type": "start", "id": "q", "payload": query}))
        assert await _receive(ws) == {
            "type": "data",
            "id": "q",
            "payload": {"data": {"author_by_pk": {"name": "Ada"}}},
        }
        assert await _receive(ws) == {"type": "complete", "id": "q"}
        await ws.send(
            json.dumps({"type": "start", "id": "bad", "payload": {"query": "subscription { nope { id } }"}})
        )
        message = await _receive(ws)
        assert (message["type"], message["id"]) == ("data", "bad")
        assert message["payload"]["errors"][0]["extensions"]["code"] == "validation-failed"
        assert await _receive(ws) == {"type": "complete", "id": "bad"}


async def test_a_connection_without_valid_credentials_is_refused(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"headers": {"Authorization": "Bearer x"}}})
        )
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_subscriptions_are_refused_over_http_and_listed_in_the_schema(base_url: str) -> None:
    assert await _post(base_url, NAMES, ADMIN) == {
        "errors": [
            {
                "message": "subscriptions are not supported over HTTP, use websockets instead",
                "extensions": {"path": "$", "code": "validation-failed"},
            }
        ]
    }
    anonymous = {"Authorization": f"Bearer {token('anonymous')}"}
    answer = await _post(base_url, "{ __schema { subscriptionType { name fields { name } } } }", anonymous)
    subscription = answer["data"]["__schema"]["subscriptionType"]
    assert subscription["name"] == "subscription_root"
    assert {f["name"] for f in subscription["fields"]} >= {"author", "article"}
    # query_root_fields restricts query_root only: reader has no author_by_pk query, but may subscribe to it.
    reader = {"Authorization": f"Bearer {token('reader', author_ids='{1}')}"}
    q = "{ __schema { queryType { fields { name } } subscriptionType { fields { name } } } }"
    schema = (await _post(base_url, q, reader))["data"]["__schema"]
    assert "author_by_pk" not in {f["name"] for f in schema["queryType"]["fields"]}
    assert "author_by_pk" in {f["name"] for f in schema["subscriptionType"]["fields"]}


async def test_streaming_subscription_sends_each_batch_past_its_cursor(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        bearer = f"Bearer {token('user', org='acme')}"
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"headers": {"Authorization": bearer}}})
        )
        assert await _receive(ws) == {"type": "connection_ack"}
        query = (
            "subscription { article_stream(batch_size: 2, cursor: {initial_value: {id: 0}}) { id title } }"
        )
        await ws.send(json.dumps({"type": "subscribe", "id": "s", "payload": {"query": query}}))
        # acme's articles only (1, 2, 3), in batches of 2, in cursor order.
        first, second = await _receive(ws), await _receive(ws)
        assert first["payload"]["data"]["article_stream"] == [
            {"id": 1, "title": "Engines"},
            {"id": 2, "title": "Analytical"},
        ]
        assert second["payload"]["data"]["article_stream"] == [{"id": 3, "title": "Bonjour"}]
        # A new row past the cursor is the next batch.
        new = 'mutation { insert_article_one(object: {author_id: 2, title: "Fresh"}) { id } }'
        inserted = (await _post(base_url, new, ADMIN))["data"]["insert_article_one"]["id"]
        try:
            third = await _receive(ws)
            assert third["payload"]["data"]["article_stream"] == [{"id": inserted, "title": "Fresh"}]
        finally:
            q = f"mutation {{ delete_article_by_pk(id: {inserted}) {{ id }} }}"
            assert "errors" not in await _post(base_url, q, ADMIN)
        await ws.send(json.dumps({"type": "complete", "id": "s"}))


async def test_messages_the_protocols_do_not_allow(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"headers": ADMIN}}))
        assert await _receive(ws) == {"type": "connection_ack"}
        assert await _receive(ws) == {"type": "ka"}
        # The legacy protocol reports a bad message and keeps the connection; a stop is never answered.
        await ws.send(json.dumps({"type": "test"}))
        assert (await _receive(ws))["type"] == "connection_error"
        await ws.send(json.dumps({"type": "stop"}))
        assert (await _receive(ws))["type"] == "connection_error"
        await ws.send(json.dumps({"type": "stop", "id": "never-started"}))
        await ws.send(
            json.dumps({"type": "start", "id": "q", "payload": {"query": "{ secret_by_pk(id: 1) { id } }"}})
        )
        assert (await _receive(ws)) == {
            "type": "data",
            "id": "q",
            "payload": {"data": {"secret_by_pk": {"id": 1}}},
        }
    for bad in ({"type": "test"}, {"type": "complete"}):
        async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"headers": ADMIN}}))
            assert await _receive(ws) == {"type": "connection_ack"}
            await ws.send(json.dumps(bad))  # graphql-ws closes the connection instead
            with pytest.raises(ConnectionClosed) as closed:
                await _receive(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


async def test_graphql_ws_ends_a_failed_operation_with_its_error_alone(base_url: str) -> None:
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"headers": ADMIN}}))
        assert await _receive(ws) == {"type": "connection_ack"}
        await ws.send(
            json.dumps({"type": "subscribe", "id": "e", "payload": {"query": "subscription { nope { id } }"}})
        )
        error = await _receive(ws)
        assert (error["type"], error["id"]) == ("error", "e")
        assert error["payload"][0]["extensions"]["code"] == "validation-failed"
        await ws.send(json.dumps({"type": "ping"}))
        assert await _receive(ws) == {"type": "pong"}  # no `complete` after the error


async def test_a_connection_ends_when_its_jwt_expires(base_url: str) -> None:
    claims = {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"], "x-hasura-org": "acme"}
    short = pyjwt.encode(
        {"sub": "u1", "exp": int(time.time()) + 2, "https://hasura.io/jwt/claims": claims},
        JWT_KEY,
        algorithm="HS256",
    )
    async with connect(f"ws://{base_url}/v1/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"headers": {"Authorization": f"Bearer {short}"}}}
            )
        )
        assert await _receive(ws) == {"type": "connection_ack"}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": NAMES}}))
        assert (await _receive(ws))["type"] == "next"
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)  # the live query stops with the session
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize(
    ("upgrade_headers", "init_headers"),
    [
        # Two spellings of the header in connection_init: junk first, the real (short-lived) token last.
        pytest.param(
            {}, {"authorization": "junk", "Authorization": "Bearer {token}"}, id="duplicate-in-init"
        ),
        # An unparsable header on the upgrade request, the real token in the payload.
        pytest.param({"Authorization": "junk"}, {"Authorization": "Bearer {token}"}, id="junk-on-upgrade"),
    ],
)
async def test_the_connection_ends_with_the_token_that_was_verified(
    base_url: str, upgrade_headers: dict[str, str], init_headers: dict[str, str]
) -> None:
    claims = {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"], "x-hasura-org": "acme"}
    exp = int(time.time()) + 2
    short = pyjwt.encode(
        {"sub": "u1", "exp": exp, "https://hasura.io/jwt/claims": claims}, JWT_KEY, algorithm="HS256"
    )
    headers = {k: v.format(token=short) for k, v in init_headers.items()}
    async with connect(
        f"ws://{base_url}/v1/graphql",
        subprotocols=["graphql-transport-ws"],
        additional_headers=upgrade_headers,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"headers": headers}}))
        assert await _receive(ws) == {"type": "connection_ack"}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": NAMES}}))
        first = await _receive(ws)
        assert first["type"] == "next", first  # the session is the token's (role user, org acme)
        assert first["payload"]["data"]["author"] == [{"name": "Ada"}, {"name": "Bob"}]
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(ws)  # no other message arrives: the live query's answer does not change
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        assert time.time() >= exp
