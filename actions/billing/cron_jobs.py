"""Cron triggers `rollover_billing_periods` (every 5 minutes) and `expire_credit_reservations` (every minute).

Both call their SQL function in batches until nothing is due. They act on the database clock (now()), not on
the scheduled time: a late or missed run catches up on everything due by now (rollover rolls every ended
period in order), and a redelivery of the same (name, scheduled_time) finds nothing left to do. Each batch
is its own transaction, so a crash loses at most one batch of work, which the next run redoes.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from actions.hasura import CronPayload
from actions.logs import get_logger

log = get_logger("billing.cron")

ROLLOVER_BATCH = 100
EXPIRE_BATCH = 500
# A bound on batches per delivery, so one run stays well inside Hasura's timeout; the next run continues.
MAX_BATCHES = 200


async def _drain(pool: asyncpg.Pool, sql: str, batch: int, *, until: int) -> tuple[int, int]:
    """Call `sql` until it returns fewer than `until` (1: until nothing is done; batch: a short batch)."""
    total = batches = 0
    while batches < MAX_BATCHES:
        async with pool.acquire() as conn:
            done = int(await conn.fetchval(sql, batch))
        batches += 1
        total += done
        if done < until:
            break
    return total, batches


async def rollover_billing_periods(pool: asyncpg.Pool, payload: CronPayload) -> dict[str, Any]:
    # rollover_periods counts periods (several per organization when catching up), so only 0 means "none due".
    rolled, batches = await _drain(pool, "select public.rollover_periods(now(), $1)", ROLLOVER_BATCH, until=1)
    log.info("rollover run", extra={"scheduled_time": payload.scheduled_time, "periods": rolled})
    return {
        "name": payload.name,
        "scheduled_time": payload.scheduled_time,
        "periods_rolled": rolled,
        "batches": batches,
    }


async def expire_credit_reservations(pool: asyncpg.Pool, payload: CronPayload) -> dict[str, Any]:
    expired, batches = await _drain(
        pool, "select public.expire_reservations(now(), $1)", EXPIRE_BATCH, until=EXPIRE_BATCH
    )
    log.info("expiry run", extra={"scheduled_time": payload.scheduled_time, "expired": expired})
    return {
        "name": payload.name,
        "scheduled_time": payload.scheduled_time,
        "reservations_expired": expired,
        "batches": batches,
    }
