"""Starting the engine and the service for tests that talk to them over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn
from starlette.applications import Starlette


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_uvicorn(app: Starlette) -> tuple[uvicorn.Server, threading.Thread, int]:
    """uvicorn serving `app` on a free loopback port in its own thread and event loop, once started."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    return server, thread, port


def engine_env(db_url: str, port: int, *, admin_secret: str, jwt_key: str, **extra: str) -> dict[str, str]:
    """The environment of `python -m gqlengine serve` over `db_url` with the given secrets."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "PG_DATABASE_URL": db_url,
            "HASURA_GRAPHQL_ADMIN_SECRET": admin_secret,
            "HASURA_GRAPHQL_JWT_SECRET": json.dumps({"type": "HS256", "key": jwt_key}),
            "HASURA_GRAPHQL_UNAUTHORIZED_ROLE": "anonymous",
            "HASURA_GRAPHQL_SERVER_PORT": str(port),
            "HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES": "false",
            "ACTIONS_BASE_URL": env.get("ACTIONS_BASE_URL", "http://127.0.0.1:9"),
            **extra,
        }
    )
    return env


def actions_env(db_url: str, port: int, *, action_secret: str, **extra: str) -> dict[str, str]:
    """The environment of `python -m actions` (test mode, quiet logs) over `db_url` on `port`."""
    return {
        **os.environ,
        "CREDITS_ENVIRONMENT": "test",
        "CREDITS_DATABASE_URL": db_url,
        "CREDITS_HASURA_ACTION_SECRET": action_secret,
        "CREDITS_PORT": str(port),
        "CREDITS_LOG_LEVEL": "WARNING",
        **extra,
    }


@contextlib.contextmanager
def serving(args: list[str], env: dict[str, str], health_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python <args>` until the block ends; ready once `health_url` answers 200.

    The process's output is printed at the end, so pytest shows it beside a failing test. The block gets
    the process (a test may kill it).
    """
    # A file, not a pipe: an unread pipe would block the server once its buffer fills.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(health_url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                out = log.read().decode()
                raise RuntimeError(f"{' '.join(args)} did not start:\n{out[-4000:]}")
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.seek(0)
        print(log.read().decode()[-6000:])
        log.close()
