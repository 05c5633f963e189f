"""Calling one billing SQL function from an event/cron handler (no action context there)."""

from __future__ import annotations

from typing import Any

import asyncpg


async def fetch_json(pool: asyncpg.Pool, sql: str, *args: Any) -> dict[str, Any]:
    async with pool.acquire() as conn:
        answer = await conn.fetchval(sql, *args)
    if not isinstance(answer, dict):
        raise TypeError(f"expected a JSON object from {sql!r}, got {type(answer).__name__}")
    return answer
