"""Cron triggers (`cron_triggers.yaml`), scheduled and delivered the way Hasura v2 does it.

Upcoming runs are generated ahead of time into `gqlengine.hdb_cron_events` (Hasura keeps 100 per
trigger), so the schedule survives restarts: a run that fell due while the engine was down is delivered
late if it is still within `tolerance_seconds`, and marked `dead` otherwise. Each attempt is logged in
`gqlengine.hdb_cron_event_invocation_logs`; failures are retried every `retry_interval_seconds` up to
`num_retries` (a `Retry-After` header wins), then the event is marked `error`.

The tables have the shape of Hasura's but live in this engine's own schema: Hasura keeps cron events in its
metadata catalog, which it creates with plain CREATE TABLE when `hdb_catalog.hdb_version` is missing, so
tables of these names in `hdb_catalog` would stop Hasura from starting on a database this engine served.
Cron runs are not handed over; Hasura schedules its own from the same metadata (docs/gqlengine.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gqlengine.triggers.webhook import (
    DEFAULT_HTTP_POOL,
    HDB_DDL_LOCK,
    Clock,
    DeliveryLoop,
    HeaderConf,
    ResolvedHeader,
    TriggerError,
    fetch_interval_from_env,
    post_json,
    resolve_headers,
    resolve_url,
    utc_iso,
    utc_now,
)

UPCOMING_EVENTS = 100
# pg_advisory_xact_lock key serializing tick generation across engines ("gqlcron" in ASCII).
CRON_GENERATE_LOCK = 0x67716C63726F6E
# How often (engine clock) the scheduler tops up the upcoming events.
_GENERATE_EVERY = timedelta(seconds=60)

BOOTSTRAP_SQL = """
create schema if not exists gqlengine;

create table if not exists gqlengine.hdb_cron_events (
  id text default gen_random_uuid()::text primary key,
  trigger_name text not null,
  scheduled_time timestamptz not null,
  status text not null default 'scheduled',
  tries integer not null default 0,
  created_at timestamptz default now(),
  next_retry_at timestamptz,
  constraint valid_status check (status in ('scheduled', 'locked', 'delivered', 'error', 'dead'))
);
-- When status became 'locked': the claim's lease, renewed while its delivery runs (webhook.DeliveryLoop).
alter table gqlengine.hdb_cron_events add column if not exists locked_at timestamptz;
create index if not exists hdb_cron_event_status on gqlengine.hdb_cron_events (status);
create unique index if not exists hdb_cron_events_unique_scheduled
  on gqlengine.hdb_cron_events (trigger_name, scheduled_time) where status = 'scheduled';

create table if not exists gqlengine.hdb_cron_event_invocation_logs (
  id text default gen_random_uuid()::text primary key,
  event_id text references gqlengine.hdb_cron_events (id) on update cascade on delete cascade,
  status integer,
  request json,
  response json,
  created_at timestamptz default now()
);
create index if not exists hdb_cron_event_invocation_event_id
  on gqlengine.hdb_cron_event_invocation_logs (event_id);

-- Earlier versions of this engine kept these tables in hdb_catalog. They are this engine's only while no
-- Hasura metadata catalog (hdb_version) shares the schema; then they are Hasura's and stay.
do $$
begin
  if to_regclass('hdb_catalog.hdb_version') is null then
    drop table if exists hdb_catalog.hdb_cron_event_invocation_logs;
    drop table if exists hdb_catalog.hdb_cron_events;
  end if;
end;
$$;
"""


class CronRetryConf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    num_retries: int = Field(default=0, ge=0)
    retry_interval_seconds: int = Field(default=10, ge=0)
    timeout_seconds: int = Field(default=60, gt=0)
    tolerance_seconds: int = Field(default=21600, ge=0)


class CronTriggerConf(BaseModel):
    """One entry of `cron_triggers.yaml` (also the args of `create_cron_trigger`, minus `replace`)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    webhook: str
    schedule: str
    include_in_metadata: bool
    payload: Any = None
    retry_conf: CronRetryConf = Field(default_factory=lambda: CronRetryConf())
    headers: list[HeaderConf] = Field(default_factory=list)
    comment: str | None = None
    request_transform: dict[str, Any] | None = None
    response_transform: dict[str, Any] | None = None

    @field_validator("schedule")
    @classmethod
    def _five_field_cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(f"invalid cron schedule {value!r} (five fields, UTC)")
        return value


@dataclass(frozen=True)
class CronTrigger:
    conf: CronTriggerConf
    url: str
    headers: tuple[ResolvedHeader, ...]

    @property
    def name(self) -> str:
        return self.conf.name

    def times_after(self, start: datetime) -> Iterable[datetime]:
        it = croniter(self.conf.schedule, start)
        while True:
            yield it.get_next(datetime)


def parse_cron_trigger(entry: Mapping[str, Any]) -> CronTrigger:
    try:
        conf = CronTriggerConf.model_validate(entry)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise TriggerError("parse-failed", f"cron trigger: {where}: {err['msg']}") from exc
    if conf.request_transform is not None or conf.response_transform is not None:
        raise TriggerError("not-supported", f"cron trigger {conf.name}: transforms are not supported")
    return CronTrigger(conf, resolve_url(conf.webhook), tuple(resolve_headers(conf.headers)))


def parse_cron_triggers(
    entries: Iterable[Mapping[str, Any]] | None, inconsistent: list[dict[str, Any]] | None = None
) -> list[CronTrigger]:
    """The loaded `cron_triggers.yaml` list (None or [] for none).

    A bad entry raises TriggerError, or, when an `inconsistent` list is given, is skipped and reported there.
    """
    triggers: list[CronTrigger] = []
    for entry in entries or []:
        try:
            trigger = parse_cron_trigger(entry)
            if any(t.name == trigger.name for t in triggers):
                message = f"multiple declarations exist for cron trigger {trigger.name}"
                raise TriggerError("already-exists", message)
        except TriggerError as exc:
            if inconsistent is None:
                raise
            inconsistent.append(
                {
                    "type": "cron_trigger",
                    "name": f"cron_trigger {entry.get('name') if isinstance(entry, Mapping) else None}",
                    "reason": f"Inconsistent object: {exc.message}",
                    "definition": entry,
                }
            )
            continue
        triggers.append(trigger)
    return triggers


def edit_cron_triggers(
    entries: Iterable[Mapping[str, Any]], op: str, args: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The `cron_triggers` list after `create_cron_trigger` / `delete_cron_trigger` (metadata API).

    `create_cron_trigger` args are a cron_triggers.yaml entry plus `replace`; an existing name needs
    `replace: true`. Raises TriggerError with Hasura's messages. The caller stores the list in the metadata
    document and hands the parsed triggers to `CronTriggers.replace_triggers`, which reschedules.
    """
    current = [dict(e) for e in entries]
    names = [e.get("name") for e in current]
    if op == "create_cron_trigger":
        entry = dict(args)
        replace = bool(entry.pop("replace", False))
        trigger = parse_cron_trigger(entry)
        if trigger.name in names:
            if not replace:
                raise TriggerError("already-exists", f"cron trigger with name: {trigger.name} already exists")
            current[names.index(trigger.name)] = entry
        else:
            current.append(entry)
        return current
    if op == "delete_cron_trigger":
        name = args.get("name")
        if name not in names:
            raise TriggerError("not-exists", f"cron trigger with name: {name} does not exist")
        return [e for e in current if e.get("name") != name]
    raise TriggerError("not-supported", f"unknown cron trigger operation: {op}")


def cron_triggers_from_metadata(
    doc: Mapping[str, Any], inconsistent: list[dict[str, Any]] | None = None
) -> list[CronTrigger]:
    """The cron triggers of a metadata document (`cron_triggers` key; absent when there are none)."""
    return parse_cron_triggers(doc.get("cron_triggers"), inconsistent)


@dataclass
class _CronEvent:
    id: str
    trigger_name: str
    scheduled_time: datetime
    tries: int


def cron_payload(event: _CronEvent, trigger: CronTrigger) -> dict[str, Any]:
    """Hasura's ScheduledEventWebhookPayload for a cron event: `comment` only when set, no created_at."""
    body: dict[str, Any] = {
        "id": event.id,
        "name": trigger.name,
        "scheduled_time": utc_iso(event.scheduled_time),
        "payload": trigger.conf.payload,
    }
    if trigger.conf.comment is not None:
        body["comment"] = trigger.conf.comment
    return body


class CronTriggers(DeliveryLoop[_CronEvent]):
    """The cron scheduler: event generation, delivery worker and the cron metadata calls.

    Lifecycle: `await install()` (tables, then upcoming events for every trigger; future events that no
    longer match a trigger's schedule, or belong to a removed trigger, are dropped), `await start()`
    (start the loop), `await stop()`.

    Several engines may serve one database: generation runs one engine at a time (an advisory lock) and
    never adds a tick that exists in any state, and each due tick is claimed by one engine (`FOR UPDATE SKIP
    LOCKED`, then a lease in `locked_at`), so each tick is delivered once while its engine lives.
    """

    worker_name = "gqlengine-cron-worker"

    def __init__(
        self,
        pool: asyncpg.Pool,
        triggers: Iterable[CronTrigger],
        *,
        fetch_interval: float | None = None,
        upcoming: int = UPCOMING_EVENTS,
        batch_size: int = 100,
        http_pool_size: int = DEFAULT_HTTP_POOL,
        clock: Clock = utc_now,
        client: httpx.AsyncClient | None = None,
        lease: float | None = None,
    ) -> None:
        super().__init__(
            pool,
            fetch_interval=fetch_interval if fetch_interval is not None else fetch_interval_from_env(),
            batch_size=batch_size,
            http_pool_size=http_pool_size,
            clock=clock,
            client=client,
            lease=lease,
        )
        self._triggers = {t.name: t for t in triggers}
        self._upcoming = upcoming
        self._generated_at: datetime | None = None

    @property
    def triggers(self) -> Mapping[str, CronTrigger]:
        return self._triggers

    def definitions(self) -> list[dict[str, Any]]:
        """For export_metadata: the triggers that belong in cron_triggers.yaml."""
        return [
            t.conf.model_dump(exclude_none=True, exclude_defaults=False)
            for t in self._triggers.values()
            if t.conf.include_in_metadata
        ]

    async def install(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("select pg_advisory_xact_lock($1)", HDB_DDL_LOCK)
            await conn.execute(BOOTSTRAP_SQL)
        await self.generate(prune=True)

    async def replace_triggers(self, triggers: Iterable[CronTrigger]) -> None:
        """New metadata: future events that no longer match are dropped, new ones generated."""
        self._triggers = {t.name: t for t in triggers}
        await self.install()

    # ---- generation

    async def generate(self, prune: bool = False) -> None:
        """Keep `upcoming` future events per trigger; with `prune`, drop future events off schedule."""
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            # Engines sharing the database generate one after another, each seeing the ticks of the last.
            await conn.execute("select pg_advisory_xact_lock($1)", CRON_GENERATE_LOCK)
            if prune:
                await conn.execute(
                    "delete from gqlengine.hdb_cron_events"
                    " where status = 'scheduled' and tries = 0 and scheduled_time > $1"
                    "   and not (trigger_name = any($2::text[]))",
                    now,
                    list(self._triggers),
                )
            for trigger in self._triggers.values():
                await self._generate_one(conn, trigger, now, prune)
        self._generated_at = now

    async def _generate_one(
        self, conn: asyncpg.Connection, trigger: CronTrigger, now: datetime, prune: bool
    ) -> None:
        future = [
            r["scheduled_time"]
            for r in await conn.fetch(
                "select scheduled_time from gqlengine.hdb_cron_events"
                " where trigger_name = $1 and status = 'scheduled' and tries = 0 and scheduled_time > $2"
                " order by scheduled_time",
                trigger.name,
                now,
            )
        ]
        if prune and future:
            expected: set[datetime] = set()
            for t in trigger.times_after(now):
                if t > future[-1]:
                    break
                expected.add(t)
            stale = [t for t in future if t not in expected]
            if stale:
                await conn.execute(
                    "delete from gqlengine.hdb_cron_events"
                    " where trigger_name = $1 and status = 'scheduled'"
                    "   and scheduled_time = any($2::timestamptz[])",
                    trigger.name,
                    stale,
                )
                future = [t for t in future if t in expected]
        missing = self._upcoming - len(future)
        if missing <= 0:
            return
        start = max(future[-1], now) if future else now
        times = []
        for t in trigger.times_after(start):
            times.append(t)
            if len(times) == missing:
                break
        # A tick already claimed or delivered (by this engine or another) is never scheduled again.
        await conn.executemany(
            "insert into gqlengine.hdb_cron_events (trigger_name, scheduled_time)"
            " select $1, $2 where not exists (select 1 from gqlengine.hdb_cron_events"
            "   where trigger_name = $1 and scheduled_time = $2)"
            " on conflict (trigger_name, scheduled_time) where status = 'scheduled' do nothing",
            [(trigger.name, t) for t in times],
        )

    async def _tick(self) -> None:
        now = self._clock()
        if self._generated_at is None or now - self._generated_at >= _GENERATE_EVERY:
            await self.generate()

    # ---- delivery

    def _item_id(self, item: _CronEvent) -> str:
        return item.id

    async def _unlock(self, conn: asyncpg.Connection | asyncpg.Pool, ids: list[str]) -> None:
        await conn.execute(
            "update gqlengine.hdb_cron_events set status = 'scheduled', locked_at = null"
            " where id = any($1::text[]) and status = 'locked'",
            ids,
        )

    async def _renew(self, conn: asyncpg.Pool, ids: list[str]) -> None:
        await conn.execute(
            "update gqlengine.hdb_cron_events set locked_at = now()"
            " where id = any($1::text[]) and status = 'locked'",
            ids,
        )

    async def _fetch(self, limit: int) -> list[_CronEvent]:
        if not self._triggers:
            return []
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                """
                update gqlengine.hdb_cron_events set status = 'locked', locked_at = now()
                 where id in (
                   select t.id from gqlengine.hdb_cron_events t
                    where t.trigger_name = any($2::text[])
                      and ((t.status = 'scheduled'
                            and ((t.next_retry_at is null and t.scheduled_time <= $1)
                                 or (t.next_retry_at is not null and t.next_retry_at <= $1)))
                           -- claimed by an engine that stopped renewing its lease (one that died)
                           or (t.status = 'locked'
                               and (t.locked_at is null or t.locked_at < now() - make_interval(secs => $4))))
                    order by t.scheduled_time
                    limit $3
                      for update skip locked)
                returning id, trigger_name, scheduled_time, tries
                """,
                self._clock(),
                list(self._triggers),
                limit,
                self.lease,
            )
        events = [_CronEvent(r["id"], r["trigger_name"], r["scheduled_time"], r["tries"]) for r in rows]
        events.sort(key=lambda e: e.scheduled_time)
        return events

    async def _deliver(self, event: _CronEvent) -> None:
        trigger = self._triggers.get(event.trigger_name)
        if trigger is None:  # deleted since the fetch
            await self._unlock(self._pool, [event.id])
            return
        retry = trigger.conf.retry_conf
        now = self._clock()
        if (now - event.scheduled_time).total_seconds() > retry.tolerance_seconds:
            # Too late to be useful (engine was down, or retried past the tolerance): Hasura drops it.
            await self._pool.execute(
                "update gqlengine.hdb_cron_events set status = 'dead', locked_at = null where id = $1",
                event.id,
            )
            return
        payload = cron_payload(event, trigger)
        attempt = await post_json(
            self.client, trigger.url, payload, list(trigger.headers), retry.timeout_seconds
        )
        next_retry_at = None
        if attempt.ok:
            status = "delivered"
        elif event.tries >= retry.num_retries and attempt.retry_after is None:
            status = "error"
        else:
            status = "scheduled"
            delay = attempt.retry_after if attempt.retry_after is not None else retry.retry_interval_seconds
            next_retry_at = self._clock() + timedelta(seconds=delay)
        # One statement, so the log row and the outcome commit together in a single round trip.
        await self._pool.execute(
            """
            with logged as (
              insert into gqlengine.hdb_cron_event_invocation_logs (event_id, status, request, response)
              values ($1, $4, $5::json, $6::json))
            update gqlengine.hdb_cron_events
               set status = $2, tries = tries + 1, next_retry_at = $3, locked_at = null
             where id = $1
            """,
            event.id,
            status,
            next_retry_at,
            attempt.status,
            json.dumps(attempt.request_log),
            json.dumps(attempt.response_log),
        )

    # ---- /v1/metadata calls

    async def create(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """`create_cron_trigger` on this scheduler's own list (see `edit_cron_triggers`)."""
        return await self._edit("create_cron_trigger", args)

    async def delete(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """`delete_cron_trigger {name}`: the trigger goes, with its future events."""
        return await self._edit("delete_cron_trigger", args)

    async def _edit(self, op: str, args: Mapping[str, Any]) -> dict[str, Any]:
        entries = [t.conf.model_dump(exclude_none=True) for t in self._triggers.values()]
        await self.replace_triggers(parse_cron_triggers(edit_cron_triggers(entries, op, args)))
        self.wake()
        return {"message": "success"}
