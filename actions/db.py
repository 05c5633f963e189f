"""The asyncpg pool: created in the app lifespan, never at import time."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import asyncpg

from actions.errors import DatabaseUnavailable


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Only free-form JSON (provider metadata) reaches here; credit amounts travel as numeric parameters.
        # float's shortest repr keeps up to 17 significant digits of the original text.
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, allow_nan=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """JSON with exact decimals: a number with a fraction or exponent becomes a Decimal, never a float."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=dumps, decoder=loads, format="text")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Replaces asyncpg's default reset, a round trip on every release.

    A call is one function statement and leaves no session state behind; asyncpg still rolls back an open
    transaction before this runs.
    """


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    # asyncpg lets socket errors through as they are; naming them here keeps "the database is away" apart
    # from any other OSError a handler might meet.
    try:
        return await asyncpg.connect(*args, **kwargs)
    except OSError as exc:  # refused, unreachable, and TimeoutError (an OSError) on connect
        raise DatabaseUnavailable(f"cannot connect to the database: {exc!r}") from exc


async def create_pool(url: str, min_size: int, max_size: int, connect_timeout: float = 5.0) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        connect=_connect,
        timeout=connect_timeout,
    )
