"""Starlette app factory and `python -m gqlengine serve` (uvicorn)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette

from devdb.project import metadata_dir
from gqlengine.graphql.execute import Engine, Service, Settings
from gqlengine.metadata import inherited_roles_api
from gqlengine.server import rest
from gqlengine.server.routes import routes
from gqlengine.triggers.service import TriggerService


def create_app(settings: Settings | None = None, services: list[Service] | None = None) -> Starlette:
    """The ASGI app; `services` (event delivery, cron) start after the engine and stop before it."""
    settings = settings or Settings.from_env(metadata_dir())
    engine = Engine(settings)
    engine.services = list(services or [])
    rest.install(engine)
    inherited_roles_api.install(engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            await engine.close()

    app = Starlette(routes=[*routes, *rest.routes], lifespan=lifespan)
    app.state.engine = engine
    return app


def serve(
    host: str = "127.0.0.1",
    port: int | None = None,
    metadata: Path | None = None,
    database_url: str | None = None,
) -> None:
    import uvicorn

    settings = Settings.from_env(metadata or metadata_dir())
    settings.database_url = database_url
    port = port or int(os.environ.get("HASURA_GRAPHQL_SERVER_PORT", "8080"))
    # The event delivery worker and the cron scheduler run in the server, as in Hasura.
    uvicorn.run(create_app(settings, services=[TriggerService()]), host=host, port=port, log_level="warning")
