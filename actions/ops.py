"""Operations endpoints: GET /healthz and GET /metrics."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from actions.logs import get_logger
from actions.state import services

log = get_logger("ops")
HEALTH_TIMEOUT = 2.0


async def healthz(request: Request) -> Response:
    request.state.kind, request.state.name = "ops", "healthz"
    pool = getattr(request.app.state, "pool", None)
    try:
        if pool is None:
            raise RuntimeError("database pool is not open")
        async with asyncio.timeout(HEALTH_TIMEOUT), pool.acquire() as conn:
            await conn.fetchval("select 1")
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log only
        log.warning("health check failed", extra={"request_id": request.state.request_id, "error": repr(exc)})
        request.state.outcome = "unhealthy"
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    request.state.kind, request.state.name = "ops", "metrics"
    return PlainTextResponse(
        services(request).metrics.registry.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
