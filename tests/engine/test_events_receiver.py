"""A real HTTP webhook receiver for the event and cron trigger tests (no tests of its own).

It listens on a loopback port (uvicorn + Starlette), records every request, and can be told to fail the
next N requests (optionally with `Retry-After`) or to hold requests until released, which lets a test kill
the engine while a delivery is in flight. Its side effect is idempotent on the event `id`, as the
contract asks of real handlers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Receiver:
    port: int = field(default_factory=free_port)
    requests: list[Received] = field(default_factory=list)
    fail_next: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    hold: asyncio.Event | None = None
    effects: dict[str, int] = field(default_factory=dict)  # id -> times applied (must stay 1)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        self.requests.append(Received(request.url.path, dict(request.headers), body))
        if self.hold is not None:
            await self.hold.wait()
        if self.fail_next > 0:
            self.fail_next -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return JSONResponse({"error": "try later"}, status_code=self.fail_status, headers=headers)
        key = str(body["id"])
        if key not in self.effects:
            self.effects[key] = 1
        return JSONResponse({"ok": True, "id": key})

    async def start(self) -> Receiver:
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="error",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        await eventually(lambda: self._server is not None and self._server.started)
        return self

    async def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._server = None
        self._task = None

    async def wait_for(self, count: int) -> list[Received]:
        await eventually(lambda: len(self.requests) >= count)
        return self.requests


async def eventually(check: Callable[[], Any] | Callable[[], Awaitable[Any]], within: float = 10.0) -> Any:
    """Poll until `check()` is truthy; a deadline, not a timing assertion."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached before the deadline")
        await asyncio.sleep(0.02)


class FakeClock:
    """The engine's notion of now, moved by the test instead of waiting for real time to pass."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
