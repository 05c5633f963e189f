"""GraphQL over WebSocket on /v1/graphql, as Hasura serves it: live queries, plus queries and mutations.

Both protocols Hasura speaks: `graphql-transport-ws` (graphql-ws library) and the legacy `graphql-ws`
(Apollo's subscriptions-transport-ws), chosen by the client's subprotocol. The session comes from the
`connection_init` payload's headers (or the payload itself), merged over the upgrade request's headers,
and is resolved once per connection like an HTTP request's. A subscription is a live query: its statement
runs again every refetch interval (HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL, ms) and the
client gets a message only when the answer changed. A streaming subscription (`t_stream`) sends each batch of
rows past its cursor, and moves the cursor to the last row sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from gqlengine.graphql.auth import Session, resolve_session
from gqlengine.graphql.bodies import loads
from gqlengine.graphql.compile import GQLError
from gqlengine.graphql.execute import Engine, is_unavailable, unavailable

log = logging.getLogger("gqlengine.subscriptions")

NEW, LEGACY = "graphql-transport-ws", "graphql-ws"
KEEP_ALIVE_SECONDS = 5.0


def refetch_interval() -> float:
    return int(os.environ.get("HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL", "1000")) / 1000


class _Connection:
    def __init__(self, ws: WebSocket, engine: Engine, protocol: str) -> None:
        self.ws = ws
        self.engine = engine
        self.protocol = protocol
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.lock = asyncio.Lock()  # one message at a time on the socket
        self.client = ws.client.host if ws.client else None

    async def send(self, message: dict[str, Any]) -> None:
        async with self.lock:
            await self.ws.send_text(json.dumps(message))

    async def send_result(self, op_id: str, text: str) -> None:
        payload = json.loads(text)
        if self.protocol == NEW:
            if "data" not in payload:  # a request error: the operation ends with it, no `complete` follows
                await self.send({"type": "error", "id": op_id, "payload": payload["errors"]})
                return
            await self.send({"type": "next", "id": op_id, "payload": payload})
        else:
            await self.send({"type": "data", "id": op_id, "payload": payload})

    async def finish(self, op_id: str, text: str) -> None:
        """The end of an operation: `complete`, unless graphql-ws already ended it with an `error`."""
        if self.protocol == LEGACY or text.startswith('{"data"'):
            await self.send({"type": "complete", "id": op_id})

    async def run(self, op_id: str, body: Any, session: Session, headers: dict[str, str]) -> None:
        """One operation: a live query until stopped, anything else answered once."""
        try:
            try:
                operation, answer = await self.engine.prepare(body, session, headers, client=self.client)
            except GQLError as exc:
                error = self.engine.error_body(exc, session)
                await self.send_result(op_id, error)
                await self.finish(op_id, error)
                return
            if operation != "subscription":
                text = await self._guarded(answer, session)
                await self.send_result(op_id, text)
                await self.finish(op_id, text)
                return
            last: str | None = None
            while not session.expired():  # the expiry timer closes the connection; never answer past it
                # A live query's answer is sent when it changed; a stream's batch ("" when empty) each time.
                text = await self._guarded(answer, session)
                if text and text != last:
                    await self.send_result(op_id, text)
                    last = text
                if text and not text.startswith('{"data"'):
                    await self.finish(op_id, text)
                    return
                await asyncio.sleep(refetch_interval())
        except asyncio.CancelledError:
            raise
        except WebSocketDisconnect:
            return
        finally:
            self.operations.pop(op_id, None)

    async def _guarded(self, answer: Callable[[], Awaitable[str]], session: Session) -> str:
        try:
            return await answer()
        except GQLError as exc:
            return self.engine.error_body(exc, session)
        except Exception as exc:
            if is_unavailable(exc):
                return self.engine.error_body(unavailable(None), session)
            log.exception("unexpected error answering a websocket operation")
            return self.engine.error_body(GQLError("internal error", "unexpected"), None)

    def stop(self, op_id: str) -> None:
        task = self.operations.pop(op_id, None)
        if task is not None:
            task.cancel()

    def stop_all(self) -> None:
        for op_id in list(self.operations):
            self.stop(op_id)


async def graphql_ws(ws: WebSocket) -> None:
    engine: Engine = ws.app.state.engine
    offered = ws.scope.get("subprotocols") or []
    protocol = NEW if NEW in offered else LEGACY
    await ws.accept(subprotocol=protocol if protocol in offered else None)
    conn = _Connection(ws, engine, protocol)
    keep_alive: asyncio.Task[None] | None = None
    expiry: asyncio.Task[None] | None = None
    try:
        try:
            init = loads(await ws.receive_text())
        except GQLError:
            init = None
        if not isinstance(init, dict) or init.get("type") != "connection_init":
            await ws.close(code=4400, reason="connection_init expected")
            return
        payload = init.get("payload") or {}
        given = payload.get("headers") if isinstance(payload.get("headers"), dict) else payload
        headers = {**dict(ws.headers), **{str(k): str(v) for k, v in (given or {}).items()}}
        try:
            session = resolve_session(engine.settings.auth, headers)
        except GQLError as exc:
            if protocol == NEW:
                await ws.close(code=4403, reason="Forbidden")
            else:
                await conn.send({"type": "connection_error", "payload": {"message": exc.message}})
                await ws.close(code=1000)
            return
        await conn.send({"type": "connection_ack"})
        if protocol == LEGACY:
            keep_alive = asyncio.create_task(_keep_alive(conn))
        if session.expires_at is not None:
            expiry = asyncio.create_task(_close_at(conn, session.expires_at))
        start, stop = ("subscribe", "complete") if protocol == NEW else ("start", "stop")
        while True:
            try:
                message = loads(await ws.receive_text())
            except GQLError:  # not JSON, or JSON beyond the bounds on a request body
                message = {}
            kind = message.get("type") if isinstance(message, dict) else None
            op_id = message.get("id") if isinstance(message, dict) else None
            if kind in (start, stop) and not isinstance(op_id, str | int):
                # An operation message without its id: graphql-ws closes, the legacy protocol reports.
                if not await _invalid(conn, f"{kind} message without an id"):
                    return
                continue
            if kind == start and session.expired():
                # The timer closes the connection at expiry; an operation that arrives first is not run.
                await _close_expired(conn)
                return
            if kind == start:
                op_id = str(op_id)
                if op_id in conn.operations:
                    if protocol == NEW:
                        await ws.close(code=4409, reason=f"Subscriber for {op_id} already exists")
                        return
                    conn.stop(op_id)
                task = asyncio.create_task(conn.run(op_id, message.get("payload") or {}, session, headers))
                conn.operations[op_id] = task
            elif kind == stop:
                conn.stop(str(op_id))  # nothing is sent back, also for an unknown id
            elif kind == "ping" and protocol == NEW:
                await conn.send({"type": "pong"})
            elif kind == "pong" and protocol == NEW:
                pass
            elif kind == "connection_terminate" and protocol == LEGACY:
                await ws.close(code=1000)
                return
            elif not await _invalid(conn, f"unexpected message type {kind!r}"):
                return
    except WebSocketDisconnect:
        pass
    finally:
        conn.stop_all()
        for background in (keep_alive, expiry):
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background


async def _invalid(conn: _Connection, reason: str) -> bool:
    """A message the protocol does not allow: graphql-ws closes the connection (4400), the legacy protocol
    answers `connection_error` and goes on. True if the connection stays open."""
    if conn.protocol == NEW:
        await conn.ws.close(code=4400, reason=reason)
        return False
    await conn.send({"type": "connection_error", "payload": {"message": reason}})
    return True


async def _close_at(conn: _Connection, expires: float) -> None:
    """A session ends with its JWT: its operations stop and the connection closes, as Hasura does."""
    await asyncio.sleep(max(0.0, expires - time.time()))
    await _close_expired(conn)


async def _close_expired(conn: _Connection) -> None:
    conn.stop_all()
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        if conn.protocol == LEGACY:
            await conn.send({"type": "connection_error", "payload": {"message": "the JWT has expired"}})
        await conn.ws.close(code=4401 if conn.protocol == NEW else 1000, reason="JWT expired")


async def _keep_alive(conn: _Connection) -> None:
    """The legacy protocol's `ka` messages, so clients and proxies keep an idle connection open."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await conn.send({"type": "ka"})
            await asyncio.sleep(KEEP_ALIVE_SECONDS)
