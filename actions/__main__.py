"""`python -m actions`: serve the app with uvicorn (settings from CREDITS_* environment variables)."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from actions import logs
from actions.app import create_app
from actions.settings import Settings


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"actions: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_timeout),
        proxy_headers=False,
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
