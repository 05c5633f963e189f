"""The app factory: routes, middleware, exception handlers and the pool's lifespan, all passed in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from actions import db, registry
from actions.action import Action
from actions.endpoints import action_endpoint, cron_endpoint, event_endpoint
from actions.errors import NOT_FOUND, ActionError
from actions.hasura import CronHandler, EventHandler
from actions.logs import get_logger
from actions.metrics import ServiceMetrics
from actions.middleware import RequestMiddleware
from actions.ops import healthz, metrics
from actions.settings import Settings
from actions.state import Services

log = get_logger("app")


async def _action_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActionError)
    request.state.outcome = exc.code
    return JSONResponse(exc.body(), status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = NOT_FOUND if exc.status_code == 404 else f"HTTP_{exc.status_code}"
    request.state.outcome = code
    return JSONResponse({"message": exc.detail, "extensions": {"code": code}}, status_code=exc.status_code)


def create_app(
    settings: Settings,
    *,
    actions: dict[str, Action] | None = None,
    event_handlers: dict[str, EventHandler] | None = None,
    cron_handlers: dict[str, CronHandler] | None = None,
    extra_routes: list[BaseRoute] | None = None,
) -> Starlette:
    """Build the service. Registries default to actions.registry; tests may pass their own."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # server_url() may start the embedded dev server and runs its own event loop: keep it off ours.
        url = await asyncio.to_thread(settings.resolved_database_url)
        app.state.pool = await db.create_pool(
            url, settings.pool_min_size, settings.pool_max_size, settings.db_connect_timeout
        )
        log.info("database pool open", extra={"min": settings.pool_min_size, "max": settings.pool_max_size})
        try:
            yield
        finally:
            pool, app.state.pool = app.state.pool, None
            try:
                await asyncio.wait_for(pool.close(), timeout=settings.shutdown_timeout)
            except TimeoutError:
                pool.terminate()
            log.info("database pool closed")

    def pool_stat(name: str) -> float | None:
        pool = getattr(app.state, "pool", None)
        return None if pool is None else float(getattr(pool, name)())

    service_metrics = ServiceMetrics(
        pool_size=lambda: pool_stat("get_size"), pool_idle=lambda: pool_stat("get_idle_size")
    )
    routes: list[BaseRoute] = [
        Route("/actions", action_endpoint, methods=["POST"]),
        Route("/events/{trigger}", event_endpoint, methods=["POST"]),
        Route("/cron/{name}", cron_endpoint, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *(registry.EXTRA_ROUTES if extra_routes is None else extra_routes),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestMiddleware, metrics=service_metrics)],
        exception_handlers={ActionError: _action_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.pool = None
    app.state.services = Services(
        settings=settings,
        metrics=service_metrics,
        actions=registry.ACTIONS if actions is None else actions,
        event_handlers=registry.EVENT_HANDLERS if event_handlers is None else event_handlers,
        cron_handlers=registry.CRON_HANDLERS if cron_handlers is None else cron_handlers,
    )
    return app
