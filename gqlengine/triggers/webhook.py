"""Outgoing webhook calls shared by event triggers and cron triggers, the way Hasura v2 makes them.

URLs may carry `{{ENV_VAR}}` templates; headers are `{name, value}` or `{name, value_from_env}`. Both are
resolved when a trigger is loaded, so a missing variable is a metadata error at start, not a failed
delivery later. Every attempt is summarised as an `Attempt`, which is also what the invocation logs store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import asyncpg
import httpx
from pydantic import BaseModel, ConfigDict, model_validator

from gqlengine import __version__

log = logging.getLogger("gqlengine.webhook")
USER_AGENT = f"hasura-graphql-engine/{__version__}"
# Hasura stores this status in invocation logs when no HTTP response came back (refused, timeout, ...).
CLIENT_ERROR_STATUS = 1000
_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_BODY_LIMIT = 64 * 1024
# Transaction-level advisory lock around every hdb_catalog DDL (events and cron share objects such as
# gen_hasura_uuid), so engines starting at the same time do not race on CREATE.
HDB_DDL_LOCK = 7_245_001
# Concurrent deliveries. Hasura defaults to 100 (HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE); httpx's pool costs
# grow with its size, and 20 delivered ~2.4x more events/s than 100 in our measurement on this machine.
DEFAULT_HTTP_POOL = 20
# Longer than a webhook's usual timeout would not be needed (leases are renewed), short enough that a dead
# engine's claims come back within a minute.
DEFAULT_LEASE_SECONDS = 60.0


class TriggerError(Exception):
    """A metadata API error: the api module answers `{"path": "$.args", "error": message, "code": code}`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_json(self) -> dict[str, str]:
        return {"path": "$.args", "error": self.message, "code": self.code}


class HeaderConf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    value: str | None = None
    value_from_env: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> HeaderConf:
        if (self.value is None) == (self.value_from_env is None):
            raise ValueError("a header needs exactly one of 'value' or 'value_from_env'")
        return self


def env_value(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise TriggerError("not-found", f"environment variable '{name}' not set")
    return value


def resolve_url(template: str) -> str:
    """Replace every `{{ENV_VAR}}` in a webhook URL with the variable's value."""
    return _TEMPLATE.sub(lambda m: env_value(m.group(1)), template)


def resolve_webhook(webhook: str | None, webhook_from_env: str | None) -> str:
    if webhook is not None and webhook_from_env is None:
        return resolve_url(webhook)
    if webhook_from_env is not None and webhook is None:
        return env_value(webhook_from_env)
    raise TriggerError("parse-failed", "expected exactly one of 'webhook' or 'webhook_from_env'")


@dataclass(frozen=True)
class ResolvedHeader:
    name: str
    value: str
    from_env: bool


def resolve_headers(headers: list[HeaderConf]) -> list[ResolvedHeader]:
    resolved = []
    for header in headers:
        if header.value_from_env is not None:
            resolved.append(ResolvedHeader(header.name, env_value(header.value_from_env), True))
        else:
            resolved.append(ResolvedHeader(header.name, header.value or "", False))
    return resolved


def parse_retry_after(value: str | None) -> int | None:
    """Seconds from a `Retry-After` header; Hasura honours only a positive integer."""
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit():
        return None
    seconds = int(value)
    return seconds if seconds > 0 else None


@dataclass
class Attempt:
    """One POST: the HTTP status (or CLIENT_ERROR_STATUS) and what the invocation log records."""

    status: int
    ok: bool
    retry_after: int | None
    request_log: dict[str, Any]
    response_log: dict[str, Any]


def _log_headers(headers: list[ResolvedHeader]) -> list[dict[str, str]]:
    # Values taken from the environment are secrets (shared webhook keys): the log keeps only their names.
    return [{"name": h.name, "value": "<redacted>" if h.from_env else h.value} for h in headers]


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    payload: dict[str, Any],
    headers: list[ResolvedHeader],
    timeout_seconds: float,
) -> Attempt:
    """POST `payload`; never raises for network or HTTP failures (they become a failed Attempt)."""
    request_log = {"version": "2", "payload": payload, "headers": _log_headers(headers)}
    send_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    send_headers.update({h.name: h.value for h in headers})
    try:
        # timeout_sec bounds the whole exchange, as in Hasura, not each socket operation.
        async with asyncio.timeout(timeout_seconds):
            response = await client.post(url, json=payload, headers=send_headers)
    except (httpx.HTTPError, TimeoutError) as exc:
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            message = f"webhook timed out after {timeout_seconds} seconds"
        else:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Attempt(
            status=CLIENT_ERROR_STATUS,
            ok=False,
            retry_after=None,
            request_log=request_log,
            response_log={"version": "2", "type": "client_error", "data": {"message": message}},
        )
    body = response.text[:_BODY_LIMIT]
    response_log = {
        "version": "2",
        "type": "webhook_response",
        "data": {
            "status": response.status_code,
            "body": body,
            "size": len(response.content),
            "headers": [{"name": k, "value": v} for k, v in response.headers.items()],
        },
    }
    ok = 200 <= response.status_code < 300
    return Attempt(
        status=response.status_code,
        ok=ok,
        retry_after=None if ok else parse_retry_after(response.headers.get("retry-after")),
        request_log=request_log,
        response_log=response_log,
    )


def new_client(pool_size: int = DEFAULT_HTTP_POOL) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
    return httpx.AsyncClient(limits=limits, follow_redirects=False)


def utc_iso(value: datetime) -> str:
    """Hasura's UTCTime JSON form: `2024-05-01T10:00:00Z` / `…:21.601701Z` (naive values are UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


Clock = Callable[[], datetime]


def fetch_interval_from_env() -> float:
    """HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL, in milliseconds (default 1000), as seconds."""
    raw = os.environ.get("HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL", "1000")
    try:
        return max(int(raw), 1) / 1000
    except ValueError:
        return 1.0


def lease_from_env() -> float:
    """GQLENGINE_DELIVERY_LEASE_SECONDS: how long a claim of an engine that stopped renewing it holds."""
    try:
        return max(float(os.environ.get("GQLENGINE_DELIVERY_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)), 0.1)
    except ValueError:
        return DEFAULT_LEASE_SECONDS


def utc_now() -> datetime:
    return datetime.now(UTC)


_DB_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


T = TypeVar("T")


class DeliveryLoop(ABC, Generic[T]):
    """Fetch due items, POST them concurrently, record each attempt: the worker of event and cron triggers.

    Subclasses say how to claim due items (`_fetch`), deliver and record one (`_deliver`), give back what a
    stopping engine leaves (`_unlock`) and renew the claims of deliveries still running (`_renew`).
    `process_due()` runs one round and waits for it; `start()` runs rounds in a task every `fetch_interval`
    seconds (or at once after `wake()`).

    Several engines may deliver for one database: a claim is a row lock while it is taken (`FOR UPDATE SKIP
    LOCKED`, so two engines never take one item) and then a lease, the claim's timestamp. An engine renews
    the leases of its deliveries in flight every third of `lease` seconds; a claim not renewed for `lease`
    seconds belongs to an engine that died and any engine may take it again (delivery is at least once).
    """

    worker_name = "gqlengine-delivery"

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        fetch_interval: float,
        batch_size: int,
        http_pool_size: int,
        clock: Clock,
        client: httpx.AsyncClient | None,
        lease: float | None = None,
    ) -> None:
        self._pool = pool
        self.lease = lease if lease is not None else lease_from_env()
        self._renewed_at = 0.0
        self._interval = fetch_interval
        self._batch = batch_size
        self._pool_size = http_pool_size
        self._clock = clock
        self._client = client
        self._own_client = client is None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: dict[str, asyncio.Task[None]] = {}

    @abstractmethod
    async def _fetch(self, limit: int) -> list[T]: ...

    @abstractmethod
    async def _deliver(self, item: T) -> None: ...

    @abstractmethod
    def _item_id(self, item: T) -> str: ...

    @abstractmethod
    async def _unlock(self, conn: asyncpg.Connection | asyncpg.Pool, ids: list[str]) -> None: ...

    @abstractmethod
    async def _renew(self, conn: asyncpg.Pool, ids: list[str]) -> None: ...

    async def _tick(self) -> None:
        """Housekeeping before each fetch (cron: generate upcoming events)."""

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = new_client(self._pool_size)
        return self._client

    async def start(self) -> None:
        if self._task is not None:
            return
        # Nothing is unlocked here: another engine may be delivering what is locked right now. What a dead
        # engine left is taken again once its lease runs out.
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.worker_name)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop fetching, give in-flight deliveries `grace` seconds, then cancel and unlock the rest."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        in_flight = dict(self._in_flight)
        if in_flight:
            _, still = await asyncio.wait(in_flight.values(), timeout=grace)
            for task in still:
                task.cancel()
            await asyncio.gather(*still, return_exceptions=True)
            abandoned = [item_id for item_id, task in in_flight.items() if task in still]
            if abandoned:
                async with self._pool.acquire() as conn:
                    await self._unlock(conn, abandoned)
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    def wake(self) -> None:
        """Fetch now instead of at the next interval."""
        self._wake.set()

    async def process_due(self) -> int:
        """One round: fetch what is due and deliver it, waiting until every attempt is recorded."""
        await self._tick()
        items = await self._fetch(self._batch)
        await asyncio.gather(*(self._deliver(item) for item in items))
        return len(items)

    async def _run(self) -> None:
        while not self._stopping:
            fetched = 0
            try:
                await self._tick()
                await self._renew_leases()
                free = self._pool_size - len(self._in_flight)  # deliveries that may start now
                if free > 0:
                    items = await self._fetch(min(free, self._batch))
                    fetched = len(items)
                    for item in items:
                        task = asyncio.create_task(self._deliver_and_release(item))
                        self._in_flight[self._item_id(item)] = task
            except _DB_ERRORS as exc:
                log.warning("%s: fetch failed: %s", self.worker_name, exc)
            except Exception:
                # The loop must outlive any single bad round; the next one starts after the interval.
                log.exception("%s: round failed", self.worker_name)
            if fetched < self._batch:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), min(self._interval, self.lease / 3))

    async def _renew_leases(self) -> None:
        now = time.monotonic()
        if self._in_flight and now - self._renewed_at >= self.lease / 3:
            await self._renew(self._pool, list(self._in_flight))
            self._renewed_at = now

    async def _deliver_and_release(self, item: T) -> None:
        item_id = self._item_id(item)
        try:
            await self._deliver(item)
        except _DB_ERRORS as exc:
            # The attempt could not be recorded; the item stays locked until its lease runs out and is
            # delivered again: at least once.
            log.warning("%s: recording delivery of %s failed: %s", self.worker_name, item_id, exc)
        except Exception:
            log.exception("%s: delivering %s failed", self.worker_name, item_id)
        finally:
            self._in_flight.pop(item_id, None)
            # Refill in batches once half the slots are free, not one fetch per finished delivery.
            if len(self._in_flight) <= self._pool_size // 2:
                self._wake.set()
