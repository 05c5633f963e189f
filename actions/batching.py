"""Group commit per organization: reserves and settles that arrive for one organization while a call of
that organization is in flight run together, in one transaction, as soon as it ends.

Every credit write locks the organization's balance row and keeps the lock until its commit is flushed, so
the callers of one busy organization run strictly one after another, each paying a lock wait, a commit and a
WAL flush. Here the first call of an organization runs at once, alone, exactly as before (no delay when
there is no concurrency); calls that arrive meanwhile wait in the organization's queue, and when the call in
flight ends they go to `credits_apply_batch` as one statement: one lock, one commit, one flush for all of
them. The SQL function runs each item through the same reserve_credits / settle_credits in its own
savepoint, in arrival order, so each item sees the ones before it (idempotent replays, rate limits, the
balance) and an item's refusal is that item's answer, never the batch's. Only if the whole statement fails
(the database is unreachable, a timeout) does every item of the batch get that failure, and then nothing of
the batch was written.

Coalescing is per process: several service workers each batch their own callers, and the balance row lock
still orders them against each other.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg

from actions.action import ActionContext
from actions.calls import call_json
from actions.errors import from_db_error

# Each item is a savepoint, and a backend keeps at most 64 subtransaction ids in shared memory before every
# snapshot on the server gets slower; the batch's own lock takes one more.
MAX_BATCH = 32
BATCH_SQL = "select public.credits_apply_batch($1, $2::jsonb)"


@dataclass(frozen=True)
class Call:
    """One credit write: the statement that runs it alone, and the same call as a batch item."""

    sql: str
    args: tuple[Any, ...]
    item: dict[str, Any]


@dataclass
class _Waiting:
    ctx: ActionContext
    call: Call
    answer: asyncio.Future[dict[str, Any]]


@dataclass
class _Organization:
    """Calls of one organization that arrived while one of its transactions was in flight."""

    queue: deque[_Waiting] = field(default_factory=deque)
    # The task running the queue (the event loop keeps only a weak reference to a task).
    drainer: asyncio.Task[None] | None = None


class OrgBatches:
    def __init__(self) -> None:
        # An organization is a key here exactly while a transaction of it is in flight.
        self._busy: dict[str, _Organization] = {}

    def waiting(self, org: str) -> int:
        """Calls of `org` queued behind its transaction in flight."""
        state = self._busy.get(org)
        return len(state.queue) if state else 0

    async def run(self, ctx: ActionContext, call: Call) -> dict[str, Any]:
        org = ctx.organization_id
        if org is None:
            raise ValueError("credit writes act on the session's organization")
        state = self._busy.get(org)
        if state is not None:
            waiting = _Waiting(ctx, call, asyncio.get_running_loop().create_future())
            state.queue.append(waiting)
            return await waiting.answer
        state = self._busy[org] = _Organization()
        try:
            return await call_json(ctx, call.sql, *call.args)
        finally:
            if state.queue:
                # The queue runs in its own task: this caller has its answer and must not wait for theirs.
                state.drainer = asyncio.get_running_loop().create_task(self._drain(org, state))
            else:
                del self._busy[org]

    async def _drain(self, org: str, state: _Organization) -> None:
        try:
            while state.queue:
                batch = [state.queue.popleft() for _ in range(min(MAX_BATCH, len(state.queue)))]
                batch = [w for w in batch if not w.answer.done()]  # a caller that went away
                if batch:
                    await _run_batch(batch)
        finally:
            del self._busy[org]
            for waiting in state.queue:  # only if this task itself was cancelled
                if not waiting.answer.done():
                    waiting.answer.set_exception(RuntimeError("the batch was cancelled"))


async def _run_batch(batch: list[_Waiting]) -> None:
    first = batch[0]
    try:
        if len(batch) == 1:
            first.answer.set_result(await call_json(first.ctx, first.call.sql, *first.call.args))
            return
        answer = await call_json(
            first.ctx, BATCH_SQL, first.ctx.organization_id, [w.call.item for w in batch]
        )
    except Exception as exc:
        for waiting in batch:
            if not waiting.answer.done():
                waiting.answer.set_exception(exc)
        return
    for waiting, result in zip(batch, answer["results"], strict=True):
        if waiting.answer.done():
            continue
        if "error" in result:
            waiting.answer.set_exception(_item_error(result["error"]))
        else:
            waiting.answer.set_result(result["ok"])


def _item_error(error: dict[str, Any]) -> Exception:
    """An item's failure as the same error its call alone would have raised."""
    exc = asyncpg.PostgresError.new(
        {"C": error["sqlstate"], "M": error["message"], "D": error.get("detail") or ""}
    )
    return from_db_error(exc) or exc


def batch_item(op: str, **arguments: Any) -> dict[str, Any]:
    """A call as an item of credits_apply_batch: amounts as exact decimal text, absent arguments left out
    (a JSON null would reach SQL as the jsonb value null, not as NULL)."""
    item: dict[str, Any] = {"op": op}
    for name, value in arguments.items():
        if value is not None:
            item[name] = str(value) if isinstance(value, Decimal) else value
    return item


# The queues of each pool (one pool per app), by the pool's id: asyncpg pools take no weak references. An
# entry holds nothing of its pool and is empty whenever no call is in flight, so one outliving its pool (or
# inherited by a later pool with the same id) is harmless.
_batches: dict[int, OrgBatches] = {}


def batches_of(pool: asyncpg.Pool) -> OrgBatches:
    return _batches.setdefault(id(pool), OrgBatches())


async def coalesced(ctx: ActionContext, call: Call) -> dict[str, Any]:
    """Run a reserve or settle of the session's organization, coalesced with its concurrent ones."""
    return await batches_of(ctx.pool).run(ctx, call)
