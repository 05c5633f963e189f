"""Operations endpoints: GET /healthz (open, for probes) and GET /metrics (bearer CREDITS_METRICS_TOKEN)."""

from __future__ import annotations

import asyncio
import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from actions.errors import FORBIDDEN, UNAUTHORIZED, ActionError
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


def _require_metrics_token(request: Request) -> None:
    settings = services(request).settings
    if settings.metrics_token is None:
        if settings.environment == "dev":
            return
        raise ActionError(FORBIDDEN, "metrics are disabled: set CREDITS_METRICS_TOKEN", status=403)
    expected = settings.metrics_token.get_secret_value().encode()
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise ActionError(UNAUTHORIZED, "missing or wrong bearer token for /metrics", status=401)


async def metrics(request: Request) -> Response:
    request.state.kind, request.state.name = "ops", "metrics"
    _require_metrics_token(request)
    return PlainTextResponse(
        services(request).metrics.registry.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
