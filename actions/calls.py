"""Calling one credit SQL function: one round trip, its expected errors mapped to ActionError."""

from __future__ import annotations

from typing import Any

import asyncpg

from actions.action import ActionContext
from actions.errors import from_db_error


async def call_json(ctx: ActionContext, sql: str, *args: Any) -> dict[str, Any]:
    """Run `sql` (one function call returning jsonb) and return the decoded object."""
    try:
        async with ctx.pool.acquire() as conn:
            answer = await conn.fetchval(sql, *args)
    except asyncpg.PostgresError as exc:
        error = from_db_error(exc)
        if error is None:
            raise
        raise error from None
    if not isinstance(answer, dict):
        raise TypeError(f"expected a JSON object from {sql!r}, got {type(answer).__name__}")
    return answer
