"""Per-request plumbing: X-Request-Id in/out, one JSON log line, metrics, and the last-resort 500.

Dispatchers record what they learned in `request.state` (kind, name, outcome); this middleware reads it
once the response is done. An exception nobody handled is logged here with its request id and answered in
Hasura's error shape: DATABASE_UNAVAILABLE when the database is away, else a generic 500; never a stack
trace or SQL text in a response.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actions.errors import INTERNAL_ERROR, RETRY_AFTER_SECONDS, ActionError, unexpected_as_action_error
from actions.logs import get_logger
from actions.metrics import ServiceMetrics

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

log = get_logger("request")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _VALID_REQUEST_ID.match(text) else None
    return None


async def _send_error(send: Send, error: ActionError, request_id: str) -> None:
    """Hasura's error shape, with the request id to quote; a retryable error also says when to retry."""
    payload = error.body()
    payload["extensions"]["request_id"] = request_id
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if error.extra.get("retryable"):
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state.update(request_id=request_id, kind="http", name="other", outcome=None)
        status = 500
        started = False
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            error = unexpected_as_action_error(exc, state.get("kind", "http"))
            if error is None:
                log.exception(
                    "unhandled error", extra={"request_id": request_id, "action": state.get("name")}
                )
                error = ActionError(INTERNAL_ERROR, f"internal error (request id {request_id})", status=500)
            else:
                log.warning(
                    error.message,
                    extra={"request_id": request_id, "action": state.get("name"), "error": repr(exc)},
                )
            state["outcome"] = error.code
            if not started:
                await _send_error(send_with_id, error, request_id)
        finally:
            elapsed = time.perf_counter() - began
            kind, name = state.get("kind", "http"), state.get("name", "")
            outcome = state.get("outcome") or ("ok" if status < 400 else f"http_{status}")
            self.metrics.requests.inc(kind=kind, name=name, outcome=outcome)
            self.metrics.latency.observe(elapsed, kind=kind, name=name)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "kind": kind,
                    "action": name,
                    "outcome": outcome,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
