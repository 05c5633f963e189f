"""Event triggers, delivered the way Hasura v2 delivers them.

A change to a table with an event trigger runs a plpgsql trigger
(`hdb_catalog."notify_hasura_<name>_<OP>"`) that calls `hdb_catalog.insert_event_log(...)`, so the event row
is written in the same transaction as the change: a rolled-back change leaves no event. The session
variables come from `current_setting('hasura.user')`, which the GraphQL executor sets with
`set_config('hasura.user', <json>, true)` inside the mutation transaction.

A worker then claims due events (`locked`, `FOR UPDATE SKIP LOCKED`), POSTs Hasura's payload, logs every
attempt in `hdb_catalog.event_invocation_logs`, and marks the event delivered, schedules a retry, or sets
`error`. Several engines may serve one database: each event is claimed by one of them, and `locked` is a
lease its engine renews while the delivery runs (webhook.DeliveryLoop); an event claimed by an engine that
died is taken by another once the lease runs out, and delivered again (at least once).

The tables, indexes, functions and version row are the source catalog Hasura v2.44 creates for a Postgres
source (source catalog version 3), so a database this engine has served can be handed to Hasura as it is:
Hasura finds `hdb_source_catalog_version` at its own version, migrates nothing, and delivers the events still
pending in `event_log` (docs/gqlengine.md, "Handing over to Hasura"). One deliberate difference in a body,
not a shape: `insert_event_log` reads an empty `hasura.user` as null, as Hasura's next source catalog does,
instead of failing the write. Nothing of Hasura's metadata catalog (hdb_version, hdb_metadata, cron
tables) is created here; cron bookkeeping lives in the `gqlengine` schema (cron.py).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import asyncpg
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    resolve_webhook,
    utc_iso,
    utc_now,
)

_NAME = re.compile(r"^[A-Za-z]+[A-Za-z0-9_\-]*$")
MAX_NAME_LENGTH = 42


# --------------------------------------------------------------------------- metadata


class OperationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: Literal["*"] | list[str]
    payload: Literal["*"] | list[str] | None = None


class TriggerDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enable_manual: bool = False
    insert: OperationSpec | None = None
    update: OperationSpec | None = None
    delete: OperationSpec | None = None


class RetryConf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    num_retries: int = Field(default=0, ge=0)
    interval_sec: int = Field(default=10, ge=0)
    timeout_sec: int = Field(default=60, gt=0)


class EventTriggerConf(BaseModel):
    """One entry of a table YAML's `event_triggers` list."""

    model_config = ConfigDict(extra="forbid")

    name: str
    definition: TriggerDefinition
    retry_conf: RetryConf = Field(default_factory=lambda: RetryConf())
    webhook: str | None = None
    webhook_from_env: str | None = None
    headers: list[HeaderConf] = Field(default_factory=list)
    request_transform: dict[str, Any] | None = None
    response_transform: dict[str, Any] | None = None
    cleanup_config: dict[str, Any] | None = None
    trigger_on_replication: bool = False


@dataclass(frozen=True)
class EventTrigger:
    """A trigger ready to run: its configuration, its table and its resolved webhook and headers."""

    conf: EventTriggerConf
    source: str
    schema: str
    table: str
    url: str
    headers: tuple[ResolvedHeader, ...]

    @property
    def name(self) -> str:
        return self.conf.name

    def operations(self) -> dict[str, OperationSpec]:
        d = self.conf.definition
        specs = {"INSERT": d.insert, "UPDATE": d.update, "DELETE": d.delete}
        return {op: spec for op, spec in specs.items() if spec is not None}


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


def _parse_one(entry: Any, source: str, schema: str, table: str) -> EventTrigger:
    try:
        conf = EventTriggerConf.model_validate(entry)
    except ValidationError as exc:
        raise TriggerError("parse-failed", f"event trigger on {schema}.{table}: {_first_error(exc)}") from exc
    if not _NAME.match(conf.name):
        raise TriggerError("parse-failed", f"invalid event trigger name: {conf.name!r}")
    if len(conf.name) > MAX_NAME_LENGTH:
        # notify_hasura_<name>_<OP> must fit PostgreSQL's 63-byte identifiers (Hasura has the same limit).
        message = f"event trigger name can be at most {MAX_NAME_LENGTH} characters long: {conf.name!r}"
        raise TriggerError("parse-failed", message)
    if conf.request_transform is not None or conf.response_transform is not None:
        raise TriggerError("not-supported", f"event trigger {conf.name}: transforms are not supported")
    url = resolve_webhook(conf.webhook, conf.webhook_from_env)
    headers = tuple(resolve_headers(conf.headers))
    return EventTrigger(conf, source, schema, table, url, headers)


def _inconsistency(entry: Any, schema: str, table: str, reason: str) -> dict[str, Any]:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return {
        "type": "event_trigger",
        "name": f"event_trigger {name} in table {schema}.{table}",
        "reason": f"Inconsistent object: {reason}",
        "definition": entry,
    }


def parse_event_triggers(
    table_yaml: Mapping[str, Any],
    source: str = "default",
    inconsistent: list[dict[str, Any]] | None = None,
) -> list[EventTrigger]:
    """The event triggers of one table YAML dict (`{table: {schema, name}, event_triggers: [...]}`).

    A bad entry (unknown key, missing env var, ...) raises TriggerError, or, when an `inconsistent` list is
    given, is skipped and reported there, the way Hasura keeps serving with inconsistent metadata.
    """
    table = table_yaml.get("table") or {}
    schema, name = table.get("schema", "public"), table.get("name")
    if not isinstance(name, str):
        raise TriggerError("parse-failed", "table YAML without table.name")
    triggers = []
    for entry in table_yaml.get("event_triggers") or []:
        try:
            triggers.append(_parse_one(entry, source, schema, name))
        except TriggerError as exc:
            if inconsistent is None:
                raise
            inconsistent.append(_inconsistency(entry, schema, name, exc.message))
    return triggers


def load_event_triggers(
    tables: Iterable[Mapping[str, Any]],
    source: str = "default",
    inconsistent: list[dict[str, Any]] | None = None,
) -> list[EventTrigger]:
    """All event triggers of a source's table YAML dicts; trigger names are unique across tables."""
    result: list[EventTrigger] = []
    for table_yaml in tables:
        for trigger in parse_event_triggers(table_yaml, source, inconsistent):
            if any(t.name == trigger.name for t in result):
                message = f"multiple declarations exist for event trigger {trigger.name}"
                if inconsistent is None:
                    raise TriggerError("already-exists", message)
                inconsistent.append(
                    _inconsistency(trigger.conf.model_dump(), trigger.schema, trigger.table, message)
                )
                continue
            result.append(trigger)
    return result


def event_triggers_from_metadata(
    doc: Mapping[str, Any], inconsistent: list[dict[str, Any]] | None = None
) -> list[EventTrigger]:
    """Every event trigger of a metadata document (`export_metadata` shape, table YAMLs included).

    Only the `default` source is served by this engine, so every source's triggers share its database.
    """
    tables = [t for source in doc.get("sources") or [] for t in source.get("tables") or []]
    source = next((s.get("name", "default") for s in doc.get("sources") or []), "default")
    return load_event_triggers(tables, source, inconsistent)


# --------------------------------------------------------------------------- storage and database triggers

# The source catalog version Hasura v2.44 writes into hdb_source_catalog_version.
SOURCE_CATALOG_VERSION = "3"

BOOTSTRAP_SQL = (
    """
create schema if not exists hdb_catalog;

create or replace function hdb_catalog.gen_hasura_uuid() returns uuid
  language sql as 'select gen_random_uuid()';

create table if not exists hdb_catalog.hdb_source_catalog_version (
  version text not null,
  upgraded_on timestamptz not null
);
create unique index if not exists hdb_source_catalog_version_one_row
  on hdb_catalog.hdb_source_catalog_version ((version is not null));

create table if not exists hdb_catalog.event_log (
  id text default hdb_catalog.gen_hasura_uuid() primary key,
  schema_name text not null,
  table_name text not null,
  trigger_name text not null,
  payload jsonb not null,
  delivered boolean not null default false,
  error boolean not null default false,
  tries integer not null default 0,
  created_at timestamp default now(),
  locked timestamptz,           -- null = free to fetch
  next_retry_at timestamp,
  archived boolean not null default false
);
-- Catalogs written by earlier versions of this engine defaulted to UTC wall time.
alter table hdb_catalog.event_log alter column created_at set default now();
create index if not exists event_log_trigger_name_idx on hdb_catalog.event_log (trigger_name);
create index if not exists event_log_fetch_events
  on hdb_catalog.event_log (locked nulls first, next_retry_at nulls first, created_at)
  where delivered = 'f' and error = 'f' and archived = 'f';

create table if not exists hdb_catalog.event_invocation_logs (
  id text default hdb_catalog.gen_hasura_uuid() primary key,
  trigger_name text,
  event_id text,
  status integer,
  request json,
  response json,
  created_at timestamp default now()
);
alter table hdb_catalog.event_invocation_logs alter column created_at set default now();
create index if not exists event_invocation_logs_event_id_idx on hdb_catalog.event_invocation_logs (event_id);

-- Hasura's auto-cleanup bookkeeping: unused here, but part of the catalog Hasura expects at this version.
create table if not exists hdb_catalog.hdb_event_log_cleanups (
  id text default hdb_catalog.gen_hasura_uuid() primary key,
  trigger_name text not null,
  scheduled_at timestamp not null,
  deleted_event_logs integer,
  deleted_event_invocation_logs integer,
  status text not null,
  check (status in ('scheduled', 'paused', 'completed', 'dead')),
  unique (trigger_name, scheduled_at)
);

create or replace function hdb_catalog.insert_event_log(
  schema_name text, table_name text, trigger_name text, op text, row_data json
) returns text language plpgsql as $$
declare
  id text;
  payload json;
begin
  id := gen_random_uuid();
  -- A custom setting reads as '' (not null) after a SET LOCAL ended earlier in the same session.
  payload := json_build_object(
    'op', op,
    'data', row_data,
    'session_variables', nullif(current_setting('hasura.user', true), '')::json,
    'trace_context', nullif(current_setting('hasura.tracecontext', true), '')::json
  );
  insert into hdb_catalog.event_log (id, schema_name, table_name, trigger_name, payload)
  values (id, schema_name, table_name, trigger_name, payload);
  return id;
end;
$$;

-- A newer version written by Hasura after an upgrade is kept: this catalog is a subset of it.
insert into hdb_catalog.hdb_source_catalog_version (version, upgraded_on)
values ('"""
    + SOURCE_CATALOG_VERSION
    + """', now())
on conflict ((version is not null)) do nothing;
"""
)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def db_trigger_name(trigger_name: str, op: str) -> str:
    return f"notify_hasura_{trigger_name}_{op}"


async def bootstrap(conn: asyncpg.Connection) -> None:
    """Create hdb_catalog's event tables and insert_event_log (idempotent)."""
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", HDB_DDL_LOCK)
        await conn.execute(BOOTSTRAP_SQL)


async def _table_columns(conn: asyncpg.Connection, schema: str, table: str) -> dict[str, bool] | None:
    """Column name → whether its type has its own `=` (else changes are compared as text)."""
    rows = await conn.fetch(
        """
        select a.attname,
               exists (select 1 from pg_operator o
                        where o.oprname = '='
                          and o.oprleft = coalesce(nullif(t.typbasetype, 0), t.oid)
                          and o.oprright = coalesce(nullif(t.typbasetype, 0), t.oid)) as has_eq
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
          join pg_type t on t.oid = a.atttypid
         where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')
         order by a.attnum
        """,
        schema,
        table,
    )
    return {r["attname"]: r["has_eq"] for r in rows} if rows else None


def _row_json(var: str, columns: Literal["*"] | list[str]) -> str:
    if columns == "*":
        return f"row_to_json({var})"
    pairs = ", ".join(f"{_literal(c)}, {var}.{_ident(c)}" for c in columns)
    return f"json_build_object({pairs})"


def _changed(columns: list[str], has_eq: Mapping[str, bool]) -> str:
    # Types without their own `=` (json, enums, arrays, …) are compared by their text form, as Hasura
    # falls back to a binary comparison for them.
    parts = []
    for c in columns:
        cast = "" if has_eq[c] else "::text"
        parts.append(f"OLD.{_ident(c)}{cast} is distinct from NEW.{_ident(c)}{cast}")
    return " or ".join(parts) if parts else "false"


def trigger_sql(trigger: EventTrigger, op: str, spec: OperationSpec, columns: Mapping[str, bool]) -> str:
    payload_cols = spec.payload if spec.payload is not None else "*"
    old = "null" if op == "INSERT" else _row_json("OLD", payload_cols)
    new = "null" if op == "DELETE" else _row_json("NEW", payload_cols)
    condition = "true"
    if op == "UPDATE":
        listen = list(columns) if spec.columns == "*" else spec.columns
        condition = _changed(listen, columns)
    name = db_trigger_name(trigger.name, op)
    table = f"{_ident(trigger.schema)}.{_ident(trigger.table)}"
    return f"""
create or replace function hdb_catalog.{_ident(name)}() returns trigger language plpgsql as $$
begin
  if {condition} then
    perform hdb_catalog.insert_event_log(
      cast(TG_TABLE_SCHEMA as text), {_literal(trigger.table)}, {_literal(trigger.name)}, TG_OP,
      json_build_object('old', {old}, 'new', {new}));
  end if;
  return null;
end;
$$;
create or replace trigger {_ident(name)} after {op.lower()} on {table}
  for each row execute procedure hdb_catalog.{_ident(name)}();
"""


def _check_columns(trigger: EventTrigger, columns: Mapping[str, bool]) -> str | None:
    for op, spec in trigger.operations().items():
        for listed in (spec.columns, spec.payload):
            if isinstance(listed, list):
                missing = [c for c in listed if c not in columns]
                if missing:
                    return f"{op.lower()}: no such column(s) in {trigger.schema}.{trigger.table}: {missing}"
    return None


async def install_triggers(
    conn: asyncpg.Connection, triggers: Iterable[EventTrigger]
) -> list[dict[str, Any]]:
    """Make the database triggers match `triggers` exactly, in one transaction.

    Stale `notify_hasura_*` triggers and functions (renamed or removed triggers, dropped operations) are
    dropped. A trigger whose table or columns do not exist is skipped and reported as inconsistent, in
    Hasura's `inconsistent_objects` shape.
    """
    triggers = list(triggers)
    inconsistent: list[dict[str, Any]] = []
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", HDB_DDL_LOCK)
        statements: list[str] = []
        wanted: set[tuple[str, str, str]] = set()  # (schema, table, trigger name)
        for trigger in triggers:
            columns = await _table_columns(conn, trigger.schema, trigger.table)
            reason = (
                f"no such table: {trigger.schema}.{trigger.table}"
                if columns is None
                else _check_columns(trigger, columns)
            )
            if reason is not None:
                definition = trigger.conf.model_dump(exclude_none=True)
                inconsistent.append(_inconsistency(definition, trigger.schema, trigger.table, reason))
                continue
            assert columns is not None
            for op, spec in trigger.operations().items():
                statements.append(trigger_sql(trigger, op, spec, columns))
                wanted.add((trigger.schema, trigger.table, db_trigger_name(trigger.name, op)))
        existing = await conn.fetch(
            r"""
            select n.nspname as schema, c.relname as table, t.tgname as name
              from pg_trigger t
              join pg_class c on c.oid = t.tgrelid
              join pg_namespace n on n.oid = c.relnamespace
              join pg_proc p on p.oid = t.tgfoid
              join pg_namespace pn on pn.oid = p.pronamespace
             where not t.tgisinternal and pn.nspname = 'hdb_catalog' and t.tgname like 'notify\_hasura\_%'
            """
        )
        for row in existing:
            if (row["schema"], row["table"], row["name"]) not in wanted:
                table = f"{_ident(row['schema'])}.{_ident(row['table'])}"
                await conn.execute(f"drop trigger if exists {_ident(row['name'])} on {table}")
        for statement in statements:
            await conn.execute(statement)
        wanted_functions = {name for _, _, name in wanted}
        functions = await conn.fetch(
            r"""
            select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'hdb_catalog' and p.proname like 'notify\_hasura\_%' and p.pronargs = 0
            """
        )
        for row in functions:
            if row["proname"] not in wanted_functions:
                await conn.execute(f"drop function if exists hdb_catalog.{_ident(row['proname'])}() cascade")
    return inconsistent


# --------------------------------------------------------------------------- delivery


@dataclass
class _Event:
    id: str
    schema_name: str
    table_name: str
    trigger_name: str
    payload: dict[str, Any]
    tries: int
    created_at: datetime


def event_payload(event: _Event, trigger: EventTrigger) -> dict[str, Any]:
    """The body Hasura POSTs for an event (docs: event-triggers/payload)."""
    return {
        "id": event.id,
        "created_at": utc_iso(event.created_at),
        "trigger": {"name": event.trigger_name},
        "table": {"schema": event.schema_name, "name": event.table_name},
        "event": event.payload,
        "delivery_info": {"current_retry": event.tries, "max_retries": trigger.conf.retry_conf.num_retries},
    }


def _env_int(name: str, default: int) -> int:
    try:
        return max(int(os.environ.get(name, default)), 1)
    except ValueError:
        return default


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


class EventTriggers(DeliveryLoop[_Event]):
    """The event triggers of one source: database triggers, the delivery worker and the metadata calls.

    Lifecycle: `await install()` (bootstrap tables, create/replace the database triggers), then
    `await start()` (start the worker); `await stop()` on shutdown (unlocks what it leaves).
    `process_due()` runs one fetch-and-deliver round and waits for it.
    """

    worker_name = "gqlengine-event-worker"

    def __init__(
        self,
        pool: asyncpg.Pool,
        triggers: Iterable[EventTrigger],
        *,
        fetch_interval: float | None = None,
        batch_size: int | None = None,
        http_pool_size: int | None = None,
        clock: Clock = utc_now,
        client: httpx.AsyncClient | None = None,
        lease: float | None = None,
    ) -> None:
        super().__init__(
            pool,
            fetch_interval=fetch_interval if fetch_interval is not None else fetch_interval_from_env(),
            batch_size=batch_size or _env_int("HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE", 100),
            http_pool_size=http_pool_size
            or _env_int("HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE", DEFAULT_HTTP_POOL),
            clock=clock,
            client=client,
            lease=lease,
        )
        self._triggers = {t.name: t for t in triggers}
        self.inconsistent: list[dict[str, Any]] = []

    @property
    def triggers(self) -> Mapping[str, EventTrigger]:
        return self._triggers

    async def install(self) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            await bootstrap(conn)
            self.inconsistent = await install_triggers(conn, self._triggers.values())
        return self.inconsistent

    async def replace_triggers(self, triggers: Iterable[EventTrigger]) -> list[dict[str, Any]]:
        """New metadata (reload/replace_metadata): reinstall database triggers; the worker keeps running."""
        self._triggers = {t.name: t for t in triggers}
        return await self.install()

    def _item_id(self, item: _Event) -> str:
        return item.id

    async def _unlock(self, conn: asyncpg.Connection | asyncpg.Pool, ids: list[str]) -> None:
        await conn.execute("update hdb_catalog.event_log set locked = null where id = any($1::text[])", ids)

    async def _renew(self, conn: asyncpg.Pool, ids: list[str]) -> None:
        await conn.execute(
            "update hdb_catalog.event_log set locked = now()"
            " where id = any($1::text[]) and locked is not null",
            ids,
        )

    async def _fetch(self, limit: int) -> list[_Event]:
        if not self._triggers:
            return []
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                """
                update hdb_catalog.event_log set locked = now()
                 where id in (
                   select l.id from hdb_catalog.event_log l
                    where l.delivered = 'f' and l.error = 'f' and l.archived = 'f'
                      and (l.locked is null or l.locked < now() - make_interval(secs => $4))
                      and (l.next_retry_at is null or l.next_retry_at <= $1)
                      and l.trigger_name = any($2::text[])
                    order by l.created_at
                    limit $3
                      for update skip locked)
                returning id, schema_name, table_name, trigger_name, payload::text, tries, created_at
                """,
                _naive_utc(self._clock()),
                list(self._triggers),
                limit,
                self.lease,
            )
        events = [
            _Event(
                r["id"],
                r["schema_name"],
                r["table_name"],
                r["trigger_name"],
                json.loads(r["payload"]),
                r["tries"],
                r["created_at"],
            )
            for r in rows
        ]
        events.sort(key=lambda e: e.created_at)
        return events

    async def _deliver(self, event: _Event) -> None:
        trigger = self._triggers.get(event.trigger_name)
        if trigger is None:  # removed by a metadata change since the fetch: leave it for a later engine
            await self._unlock(self._pool, [event.id])
            return
        retry = trigger.conf.retry_conf
        attempt = await post_json(
            self.client, trigger.url, event_payload(event, trigger), list(trigger.headers), retry.timeout_sec
        )
        next_retry_at = None
        error = False
        if not attempt.ok:
            # Hasura: retry while tries < num_retries; a Retry-After header schedules a retry even when
            # the retries are used up.
            if event.tries >= retry.num_retries and attempt.retry_after is None:
                error = True
            else:
                delay = attempt.retry_after if attempt.retry_after is not None else retry.interval_sec
                next_retry_at = _naive_utc(self._clock()) + timedelta(seconds=delay)
        # One statement, so the log row and the outcome commit together in a single round trip.
        await self._pool.execute(
            """
            with logged as (
              insert into hdb_catalog.event_invocation_logs
                     (trigger_name, event_id, status, request, response)
              values ($5, $1, $6, $7::json, $8::json))
            update hdb_catalog.event_log
               set tries = tries + 1, delivered = $2, error = $3, next_retry_at = $4, locked = null
             where id = $1
            """,
            event.id,
            attempt.ok,
            error,
            next_retry_at,
            event.trigger_name,
            attempt.status,
            json.dumps(attempt.request_log),
            json.dumps(attempt.response_log),
        )

    # ---- /v1/metadata calls

    async def invoke(
        self, args: Mapping[str, Any], session_variables: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """`pg_invoke_event_trigger {name, source, payload}` → `{"event_id": ...}`."""
        name = args.get("name")
        source = args.get("source", "default")
        trigger = self._triggers.get(name) if isinstance(name, str) else None
        if trigger is None or trigger.source != source:
            raise TriggerError("not-exists", f'event trigger "{name}" does not exist')
        if not trigger.conf.definition.enable_manual:
            raise TriggerError("not-supported", "manual mode is not enabled for event trigger")
        if "payload" not in args:
            raise TriggerError("parse-failed", 'key "payload" not found')
        session = dict(session_variables) if session_variables is not None else {"x-hasura-role": "admin"}
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("select set_config('hasura.user', $1, true)", json.dumps(session))
            event_id = await conn.fetchval(
                "select hdb_catalog.insert_event_log($1, $2, $3, 'MANUAL',"
                " json_build_object('old', null, 'new', $4::json))",
                trigger.schema,
                trigger.table,
                trigger.name,
                json.dumps(args["payload"]),
            )
        self.wake()
        return {"event_id": event_id}

    async def redeliver(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """`pg_redeliver_event {event_id}`: deliver again from try 0, whatever happened before."""
        event_id = args.get("event_id")
        if not isinstance(event_id, str):
            raise TriggerError("parse-failed", 'key "event_id" not found')
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "select locked is not null and locked >= now() - make_interval(secs => $2) as busy"
                "  from hdb_catalog.event_log where id = $1 for update",
                event_id,
                self.lease,
            )
            if row is None:
                raise TriggerError("not-exists", "event not found")
            if row["busy"]:
                raise TriggerError("busy", "event is already being processed")
            await conn.execute(
                "update hdb_catalog.event_log"
                "   set delivered = 'f', error = 'f', tries = 0, next_retry_at = null where id = $1",
                event_id,
            )
        self.wake()
        return {"message": "success"}
