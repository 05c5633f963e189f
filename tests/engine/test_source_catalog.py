"""The catalog gqlengine writes into `hdb_catalog` is the one Hasura v2.44 creates for a Postgres source, so
Hasura can take a database over from gqlengine and deliver the events it left pending.

The expectations below are facts about Hasura v2.44 written down from its documentation and server source
(the source catalog initialisation, the source catalog migrations 0→1→2→3, `latestSourceCatalogVersion`,
and the start-up checks `prepareCatalog` / `migrateCatalog`), not a copy of its files:

- A source's `hdb_catalog` holds exactly `hdb_source_catalog_version`, `event_log`, `event_invocation_logs`
  and `hdb_event_log_cleanups`, plus the functions `gen_hasura_uuid()` and `insert_event_log(...)`.
- The version row is the text `3`. With the version table present Hasura migrates the source catalog from
  the stored version; at its own version it does nothing. With `event_log` present but no version table it
  takes the catalog for a pre-2.0 one, reads `hdb_catalog.hdb_version` and fails when that is missing.
- When the same database is Hasura's metadata database and `hdb_catalog.hdb_version` is missing, Hasura
  creates its metadata catalog with plain CREATE TABLE: any of its table names already present aborts
  start-up.
- Hasura fetches an event when it is not delivered, not errored, not archived, unlocked (or locked more than
  30 minutes ago) and due (`next_retry_at` null or past).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gqlengine.triggers import cron, events

SOURCE_CATALOG_VERSION = "3"

# (column, type as format_type prints it, not null, default as pg_get_expr prints it), in column order.
COLUMNS: dict[str, list[tuple[str, str, bool, str | None]]] = {
    "hdb_source_catalog_version": [
        ("version", "text", True, None),
        ("upgraded_on", "timestamp with time zone", True, None),
    ],
    "event_log": [
        ("id", "text", True, "hdb_catalog.gen_hasura_uuid()"),
        ("schema_name", "text", True, None),
        ("table_name", "text", True, None),
        ("trigger_name", "text", True, None),
        ("payload", "jsonb", True, None),
        ("delivered", "boolean", True, "false"),
        ("error", "boolean", True, "false"),
        ("tries", "integer", True, "0"),
        ("created_at", "timestamp without time zone", False, "now()"),
        ("locked", "timestamp with time zone", False, None),
        ("next_retry_at", "timestamp without time zone", False, None),
        ("archived", "boolean", True, "false"),
    ],
    "event_invocation_logs": [
        ("id", "text", True, "hdb_catalog.gen_hasura_uuid()"),
        ("trigger_name", "text", False, None),
        ("event_id", "text", False, None),
        ("status", "integer", False, None),
        ("request", "json", False, None),
        ("response", "json", False, None),
        ("created_at", "timestamp without time zone", False, "now()"),
    ],
    "hdb_event_log_cleanups": [
        ("id", "text", True, "hdb_catalog.gen_hasura_uuid()"),
        ("trigger_name", "text", True, None),
        ("scheduled_at", "timestamp without time zone", True, None),
        ("deleted_event_logs", "integer", False, None),
        ("deleted_event_invocation_logs", "integer", False, None),
        ("status", "text", True, None),
    ],
}

# index name → (table, unique, key and predicate as pg_get_indexdef prints them after "USING btree ").
INDEXES: dict[str, tuple[str, bool, str]] = {
    "hdb_source_catalog_version_one_row": ("hdb_source_catalog_version", True, "(((version IS NOT NULL)))"),
    "event_log_pkey": ("event_log", True, "(id)"),
    "event_log_trigger_name_idx": ("event_log", False, "(trigger_name)"),
    "event_log_fetch_events": (
        "event_log",
        False,
        "(locked NULLS FIRST, next_retry_at NULLS FIRST, created_at)"
        " WHERE ((delivered = false) AND (error = false) AND (archived = false))",
    ),
    "event_invocation_logs_pkey": ("event_invocation_logs", True, "(id)"),
    "event_invocation_logs_event_id_idx": ("event_invocation_logs", False, "(event_id)"),
    "hdb_event_log_cleanups_pkey": ("hdb_event_log_cleanups", True, "(id)"),
    "hdb_event_log_cleanups_trigger_name_scheduled_at_key": (
        "hdb_event_log_cleanups",
        True,
        "(trigger_name, scheduled_at)",
    ),
}

# constraint name → (type, definition) for the constraints that are not indexes.
CHECKS = {
    "hdb_event_log_cleanups_status_check": (
        "CHECK ((status = ANY (ARRAY['scheduled'::text, 'paused'::text, 'completed'::text, 'dead'::text])))"
    ),
}

# name → (identity arguments, result type, language)
FUNCTIONS = {
    "gen_hasura_uuid": ("", "uuid", "sql"),
    "insert_event_log": (
        "schema_name text, table_name text, trigger_name text, op text, row_data json",
        "text",
        "plpgsql",
    ),
}

# Tables of Hasura's metadata catalog: none may exist in hdb_catalog before Hasura creates them.
METADATA_CATALOG_TABLES = {
    "hdb_version",
    "hdb_metadata",
    "hdb_action_log",
    "hdb_cron_events",
    "hdb_cron_event_invocation_logs",
    "hdb_scheduled_events",
    "hdb_scheduled_event_invocation_logs",
    "hdb_schema_notifications",
}


@pytest.fixture
async def conn(empty_db_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(empty_db_url)
    try:
        yield conn
    finally:
        await conn.close()


async def _bootstrap(conn: asyncpg.Connection) -> None:
    await events.bootstrap(conn)
    await conn.execute(cron.BOOTSTRAP_SQL)


async def _tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "select relname from pg_class"
        " where relnamespace = 'hdb_catalog'::regnamespace and relkind in ('r', 'p', 'v')"
    )
    return {r["relname"] for r in rows}


async def _assert_hasura_source_catalog(conn: asyncpg.Connection) -> None:
    assert await _tables(conn) == set(COLUMNS)
    for table, expected in COLUMNS.items():
        rows = await conn.fetch(
            """
            select a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid) as def
              from pg_attribute a
              left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
             where a.attrelid = ('hdb_catalog.' || $1)::regclass and a.attnum > 0 and not a.attisdropped
             order by a.attnum
            """,
            table,
        )
        assert [(r["attname"], r["type"], r["attnotnull"], r["def"]) for r in rows] == expected, table

    rows = await conn.fetch(
        """
        select i.relname as name, t.relname as table, x.indisunique, pg_get_indexdef(x.indexrelid) as def
          from pg_index x
          join pg_class i on i.oid = x.indexrelid
          join pg_class t on t.oid = x.indrelid
         where t.relnamespace = 'hdb_catalog'::regnamespace
        """
    )
    found = {r["name"]: (r["table"], r["indisunique"], r["def"].split(" USING btree ", 1)[1]) for r in rows}
    assert found == INDEXES

    rows = await conn.fetch(
        "select conname, pg_get_constraintdef(oid) as def from pg_constraint"
        " where connamespace = 'hdb_catalog'::regnamespace and contype in ('c', 'f')"
    )
    assert {r["conname"]: r["def"] for r in rows} == CHECKS  # no foreign key from invocation logs to events

    rows = await conn.fetch(
        """
        select p.proname, pg_get_function_identity_arguments(p.oid) as args,
               format_type(p.prorettype, null) as result, l.lanname
          from pg_proc p join pg_language l on l.oid = p.prolang
         where p.pronamespace = 'hdb_catalog'::regnamespace and p.proname not like 'notify\\_hasura\\_%'
        """
    )
    assert {r["proname"]: (r["args"], r["result"], r["lanname"]) for r in rows} == FUNCTIONS

    versions = await conn.fetch("select version from hdb_catalog.hdb_source_catalog_version")
    assert [r["version"] for r in versions] == [SOURCE_CATALOG_VERSION]


async def test_a_fresh_database_gets_hasuras_source_catalog(conn: asyncpg.Connection) -> None:
    await _bootstrap(conn)
    await _assert_hasura_source_catalog(conn)
    assert not (await _tables(conn)) & METADATA_CATALOG_TABLES


async def test_bootstrapping_again_changes_nothing(conn: asyncpg.Connection) -> None:
    await _bootstrap(conn)
    before = await conn.fetchval("select upgraded_on from hdb_catalog.hdb_source_catalog_version")
    await _bootstrap(conn)
    await _assert_hasura_source_catalog(conn)
    assert await conn.fetchval("select upgraded_on from hdb_catalog.hdb_source_catalog_version") == before


async def test_a_catalog_from_an_earlier_gqlengine_is_brought_into_shape(conn: asyncpg.Connection) -> None:
    # What earlier versions of the engine left behind: UTC-wall-time defaults, no version table, and cron
    # tables in hdb_catalog where Hasura's metadata catalog wants to create its own.
    await conn.execute(
        """
        create schema hdb_catalog;
        create function hdb_catalog.gen_hasura_uuid() returns uuid language sql as 'select gen_random_uuid()';
        create table hdb_catalog.event_log (
          id text default hdb_catalog.gen_hasura_uuid() primary key, schema_name text not null,
          table_name text not null, trigger_name text not null, payload jsonb not null,
          delivered boolean not null default false, error boolean not null default false,
          tries integer not null default 0, created_at timestamp default (now() at time zone 'utc'),
          locked timestamptz, next_retry_at timestamp, archived boolean not null default false);
        create table hdb_catalog.event_invocation_logs (
          id text default hdb_catalog.gen_hasura_uuid() primary key, trigger_name text, event_id text,
          status integer, request json, response json,
          created_at timestamp default (now() at time zone 'utc'));
        create table hdb_catalog.hdb_cron_events (id text primary key, trigger_name text not null);
        create table hdb_catalog.hdb_cron_event_invocation_logs (
          id text primary key, event_id text references hdb_catalog.hdb_cron_events (id));
        insert into hdb_catalog.event_log (schema_name, table_name, trigger_name, payload)
          values ('public', 't', 'pending_one', '{}');
        """
    )
    await _bootstrap(conn)
    await _assert_hasura_source_catalog(conn)
    assert await conn.fetchval("select count(*) from hdb_catalog.event_log where not delivered") == 1


async def test_cron_tables_of_a_hasura_metadata_catalog_are_left_alone(conn: asyncpg.Connection) -> None:
    # Back from Hasura: its metadata catalog shares hdb_catalog, and its cron tables are its own.
    await conn.execute(
        """
        create schema hdb_catalog;
        create table hdb_catalog.hdb_version (version text not null, upgraded_on timestamptz not null);
        create table hdb_catalog.hdb_cron_events (id text primary key, trigger_name text not null);
        insert into hdb_catalog.hdb_cron_events values ('e1', 'rollover_billing_periods');
        """
    )
    await _bootstrap(conn)
    assert await conn.fetchval("select count(*) from hdb_catalog.hdb_cron_events") == 1


async def test_a_newer_version_written_by_hasura_is_kept(conn: asyncpg.Connection) -> None:
    await _bootstrap(conn)
    await conn.execute("update hdb_catalog.hdb_source_catalog_version set version = '4'")
    await _bootstrap(conn)
    assert await conn.fetchval("select version from hdb_catalog.hdb_source_catalog_version") == "4"


async def test_events_pending_at_hand_over_are_ones_hasura_fetches(conn: asyncpg.Connection) -> None:
    await _bootstrap(conn)
    await conn.execute("create table public.thing (id int primary key)")
    await conn.execute(
        "select hdb_catalog.insert_event_log('public', 'thing', 'thing_created', 'INSERT',"
        " json_build_object('old', null, 'new', json_build_object('id', 1)))"
    )
    # Hasura's fetch condition, as its event processor states it.
    due = await conn.fetch(
        """
        select id, payload from hdb_catalog.event_log
         where delivered = 'f' and error = 'f' and archived = 'f'
           and (locked is null or locked < now() - interval '30 minute')
           and (next_retry_at is null or next_retry_at <= now())
           and trigger_name = any($1::text[])
        """,
        ["thing_created"],
    )
    assert len(due) == 1
    payload = due[0]["payload"]
    assert '"op": "INSERT"' in payload and '"new": {"id": 1}' in payload
