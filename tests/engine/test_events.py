"""Event triggers: recorded in the change's transaction, delivered with Hasura's payload, retried."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from gqlengine.triggers.events import (
    EventTriggers,
    event_triggers_from_metadata,
    load_event_triggers,
    parse_event_triggers,
)
from gqlengine.triggers.webhook import CLIENT_ERROR_STATUS, TriggerError, parse_retry_after, resolve_url
from tests.engine.test_events_receiver import FakeClock, Receiver, eventually

TABLE_SQL = """
create table public.payment (
  id serial primary key,
  status text not null,
  amount numeric not null,
  note text,
  meta json
);
"""


def payment_yaml(url: str, **overrides: Any) -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "name": "payment_changed",
        "definition": {
            "enable_manual": True,
            "insert": {"columns": "*"},
            "update": {"columns": ["status", "meta"]},
            "delete": {"columns": "*"},
        },
        "retry_conf": {"num_retries": 2, "interval_sec": 10, "timeout_sec": 5},
        "webhook": url,
        "headers": [
            {"name": "x-events-secret", "value_from_env": "TEST_EVENTS_SECRET"},
            {"name": "x-static", "value": "yes"},
        ],
    }
    trigger.update(overrides)
    return {"table": {"schema": "public", "name": "payment"}, "event_triggers": [trigger]}


@pytest.fixture
async def pool(empty_db_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(empty_db_url, min_size=1, max_size=4)
    await pool.execute(TABLE_SQL)
    yield pool
    await pool.close()


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_EVENTS_SECRET", "s3cret")


@pytest.fixture
async def receiver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Receiver]:
    rec = await Receiver().start()
    monkeypatch.setenv("TEST_EVENTS_BASE", rec.url)
    yield rec
    await rec.stop()


async def make_events(pool: asyncpg.Pool, table_yaml: dict[str, Any], **kwargs: Any) -> EventTriggers:
    events = EventTriggers(pool, parse_event_triggers(table_yaml), fetch_interval=0.02, **kwargs)
    assert await events.install() == []
    return events


async def event_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("select * from hdb_catalog.event_log order by created_at, id")


async def test_committed_insert_is_delivered_once_with_hasuras_payload_and_headers(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    events = await make_events(pool, payment_yaml("{{TEST_EVENTS_BASE}}/events/payment"))
    await events.start()
    try:
        async with pool.acquire() as conn, conn.transaction():
            session = {"x-hasura-role": "org_admin", "x-hasura-user-id": "7"}
            await conn.execute("select set_config('hasura.user', $1, true)", json.dumps(session))
            await conn.execute("insert into payment (status, amount, note) values ('paid', 12.50, 'first')")
        rows = await eventually(lambda: _delivered(pool))
        [request] = await receiver.wait_for(1)
    finally:
        await events.stop()

    assert len(rows) == 1
    assert request.path == "/events/payment"
    assert request.headers["x-events-secret"] == "s3cret"
    assert request.headers["x-static"] == "yes"
    assert request.headers["content-type"] == "application/json"
    body = request.body
    assert set(body) == {"id", "created_at", "trigger", "table", "event", "delivery_info"}
    assert body["id"] == rows[0]["id"]
    assert body["created_at"].endswith("Z")
    assert body["trigger"] == {"name": "payment_changed"}
    assert body["table"] == {"schema": "public", "name": "payment"}
    assert body["delivery_info"] == {"current_retry": 0, "max_retries": 2}
    assert body["event"] == {
        "op": "INSERT",
        "data": {
            "old": None,
            "new": {"id": 1, "status": "paid", "amount": 12.50, "note": "first", "meta": None},
        },
        "session_variables": {"x-hasura-role": "org_admin", "x-hasura-user-id": "7"},
        "trace_context": None,
    }
    logs = await pool.fetch("select * from hdb_catalog.event_invocation_logs")
    assert [(log["event_id"], log["status"], log["trigger_name"]) for log in logs] == [
        (rows[0]["id"], 200, "payment_changed")
    ]
    request_log = json.loads(logs[0]["request"])
    assert request_log["payload"] == body
    # The secret from the environment never lands in the database.
    assert {"name": "x-events-secret", "value": "<redacted>"} in request_log["headers"]
    assert json.loads(logs[0]["response"])["data"]["status"] == 200


async def _delivered(pool: asyncpg.Pool) -> list[asyncpg.Record] | None:
    rows = await event_rows(pool)
    return rows if rows and all(r["delivered"] for r in rows) else None


async def test_update_fires_only_when_a_listed_column_changes(pool: asyncpg.Pool, receiver: Receiver) -> None:
    await make_events(pool, payment_yaml(receiver.url))
    await pool.execute("insert into payment (status, amount, meta) values ('new', 1, '{\"a\": 1}')")
    await pool.execute("update payment set note = 'unlisted', amount = 2")
    await pool.execute("update payment set status = 'new'")  # same value: not a change
    await pool.execute("update payment set meta = '{\"a\": 1}'")  # json has no '=': compared as text
    assert [json.loads(r["payload"])["op"] for r in await event_rows(pool)] == ["INSERT"]

    await pool.execute("update payment set status = 'paid'")
    await pool.execute("update payment set meta = '{\"a\": 2}'")
    await pool.execute("delete from payment")
    payloads = [json.loads(r["payload"]) for r in await event_rows(pool)]
    assert [p["op"] for p in payloads] == ["INSERT", "UPDATE", "UPDATE", "DELETE"]
    update = payloads[1]["data"]
    assert (update["old"]["status"], update["new"]["status"]) == ("new", "paid")
    assert update["old"]["note"] == "unlisted"  # payload defaults to every column
    assert payloads[3]["data"]["new"] is None
    assert payloads[3]["data"]["old"]["meta"] == {"a": 2}
    assert all(p["session_variables"] is None for p in payloads)  # changes made outside the engine


async def test_payload_columns_limit_the_row_data(pool: asyncpg.Pool, receiver: Receiver) -> None:
    yaml = payment_yaml(receiver.url)
    yaml["event_triggers"][0]["definition"]["insert"] = {"columns": "*", "payload": ["id", "status"]}
    await make_events(pool, yaml)
    await pool.execute("insert into payment (status, amount) values ('paid', 3)")
    [row] = await event_rows(pool)
    assert json.loads(row["payload"])["data"]["new"] == {"id": 1, "status": "paid"}


async def test_rolled_back_change_records_no_event(pool: asyncpg.Pool, receiver: Receiver) -> None:
    events = await make_events(pool, payment_yaml(receiver.url))
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("insert into payment (status, amount) values ('paid', 1)")
        assert await conn.fetchval("select count(*) from hdb_catalog.event_log") == 1  # same transaction
        await tx.rollback()
    assert await event_rows(pool) == []
    assert await events.process_due() == 0
    assert receiver.requests == []


async def test_handler_down_is_retried_after_the_interval_then_delivered(pool: asyncpg.Pool) -> None:
    clock = FakeClock()
    receiver = Receiver()  # not started: connection refused
    events = await make_events(pool, payment_yaml(receiver.url), clock=clock)
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")

    assert await events.process_due() == 1
    [row] = await event_rows(pool)
    assert (row["tries"], row["delivered"], row["error"], row["locked"]) == (1, False, False, None)
    assert row["next_retry_at"] == clock.now.replace(tzinfo=None) + timedelta(seconds=10)
    [log] = await pool.fetch("select * from hdb_catalog.event_invocation_logs")
    assert log["status"] == CLIENT_ERROR_STATUS
    assert json.loads(log["response"])["type"] == "client_error"

    assert await events.process_due() == 0  # not due before interval_sec
    clock.advance(10)
    await receiver.start()
    try:
        assert await events.process_due() == 1
    finally:
        await receiver.stop()
    [row] = await event_rows(pool)
    assert (row["tries"], row["delivered"], row["next_retry_at"]) == (2, True, None)
    assert receiver.requests[0].body["delivery_info"] == {"current_retry": 1, "max_retries": 2}


async def test_exhausted_retries_set_error_and_redeliver_starts_again(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock()
    events = await make_events(pool, payment_yaml(receiver.url), clock=clock)
    receiver.fail_next = 3
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")
    for _ in range(3):  # num_retries=2: three attempts in all
        assert await events.process_due() == 1
        clock.advance(10)
    [row] = await event_rows(pool)
    assert (row["tries"], row["delivered"], row["error"]) == (3, False, True)
    assert [r.body["delivery_info"]["current_retry"] for r in receiver.requests] == [0, 1, 2]
    assert await events.process_due() == 0
    statuses = await pool.fetch("select status from hdb_catalog.event_invocation_logs order by created_at")
    assert [s["status"] for s in statuses] == [500, 500, 500]

    assert await events.redeliver({"event_id": row["id"]}) == {"message": "success"}
    assert await events.process_due() == 1
    [row] = await event_rows(pool)
    assert (row["tries"], row["delivered"], row["error"]) == (1, True, False)
    assert receiver.requests[-1].body["delivery_info"]["current_retry"] == 0

    with pytest.raises(TriggerError) as missing:
        await events.redeliver({"event_id": "no-such-event"})
    assert (missing.value.code, missing.value.message) == ("not-exists", "event not found")


async def test_retry_after_overrides_the_interval_even_when_retries_are_exhausted(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock()
    yaml = payment_yaml(receiver.url, retry_conf={"num_retries": 0, "interval_sec": 10, "timeout_sec": 5})
    events = await make_events(pool, yaml, clock=clock)
    receiver.fail_next, receiver.fail_status, receiver.retry_after = 1, 503, "30"
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")
    assert await events.process_due() == 1
    [row] = await event_rows(pool)
    retry_at = clock.now.replace(tzinfo=None) + timedelta(seconds=30)
    assert (row["error"], row["next_retry_at"]) == (False, retry_at)
    clock.advance(29)
    assert await events.process_due() == 0
    clock.advance(1)
    assert await events.process_due() == 1
    [row] = await event_rows(pool)
    assert row["delivered"] is True


async def test_engine_killed_mid_delivery_redelivers_and_the_effect_is_applied_once(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    table = payment_yaml(receiver.url)
    events = await make_events(pool, table)
    receiver.hold = asyncio.Event()
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")

    # The engine dies while the handler is working: nothing is recorded, the event stays locked.
    doomed = asyncio.create_task(events.process_due())
    await receiver.wait_for(1)
    doomed.cancel()
    await asyncio.gather(doomed, return_exceptions=True)
    [row] = await event_rows(pool)
    assert row["locked"] is not None and row["delivered"] is False
    receiver.hold.set()  # the handler finishes its work and applies the effect
    await eventually(lambda: receiver.effects)

    # Another engine leaves the claim alone while its lease holds (the dead engine might still be alive)...
    other = EventTriggers(pool, parse_event_triggers(table), lease=60)
    assert await other.process_due() == 0
    # ...and takes the event once the lease has run out.
    restarted = EventTriggers(pool, parse_event_triggers(table), fetch_interval=0.02, lease=0.5)
    await restarted.install()
    await restarted.start()
    try:
        await eventually(lambda: _delivered(pool))
    finally:
        await restarted.stop()
    ids = [r.body["id"] for r in receiver.requests]
    assert ids == [row["id"], row["id"]]  # delivered at least once: twice here
    assert receiver.effects == {row["id"]: 1}


async def test_graceful_stop_unlocks_the_event_in_flight(pool: asyncpg.Pool, receiver: Receiver) -> None:
    table = payment_yaml(receiver.url)
    events = await make_events(pool, table)
    receiver.hold = asyncio.Event()
    await events.start()
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")
    await receiver.wait_for(1)
    await events.stop(grace=0)
    [row] = await event_rows(pool)
    assert (row["locked"], row["delivered"], row["tries"]) == (None, False, 0)

    receiver.hold.set()
    receiver.hold = None
    again = EventTriggers(pool, parse_event_triggers(table))
    assert await again.process_due() == 1
    [row] = await event_rows(pool)
    assert row["delivered"] is True


async def test_manual_invocation(pool: asyncpg.Pool, receiver: Receiver) -> None:
    events = await make_events(pool, payment_yaml(receiver.url))
    result = await events.invoke(
        {"name": "payment_changed", "source": "default", "payload": {"id": 42, "status": "paid"}}
    )
    assert await events.process_due() == 1
    [request] = receiver.requests
    assert request.body["id"] == result["event_id"]
    assert request.body["event"]["op"] == "MANUAL"
    assert request.body["event"]["data"] == {"old": None, "new": {"id": 42, "status": "paid"}}
    assert request.body["event"]["session_variables"] == {"x-hasura-role": "admin"}

    with pytest.raises(TriggerError) as unknown:
        await events.invoke({"name": "nope", "payload": {}})
    assert unknown.value.code == "not-exists"
    no_manual = payment_yaml(receiver.url)
    no_manual["event_triggers"][0]["definition"]["enable_manual"] = False
    other = EventTriggers(pool, parse_event_triggers(no_manual))
    with pytest.raises(TriggerError) as refused:
        await other.invoke({"name": "payment_changed", "payload": {}})
    assert (refused.value.code, refused.value.message) == (
        "not-supported",
        "manual mode is not enabled for event trigger",
    )


async def test_reinstall_replaces_stale_triggers(pool: asyncpg.Pool, receiver: Receiver) -> None:
    await make_events(pool, payment_yaml(receiver.url))
    renamed = payment_yaml(receiver.url, name="payment_paid")
    renamed["event_triggers"][0]["definition"] = {"update": {"columns": ["status"]}}
    await make_events(pool, renamed)
    names = await pool.fetch(
        "select tgname from pg_trigger where tgrelid = 'payment'::regclass and not tgisinternal order by 1"
    )
    assert [n["tgname"] for n in names] == ["notify_hasura_payment_paid_UPDATE"]
    functions = await pool.fetch(
        "select proname from pg_proc where pronamespace = 'hdb_catalog'::regnamespace"
        " and proname like 'notify_hasura_%' order by 1"
    )
    assert [f["proname"] for f in functions] == ["notify_hasura_payment_paid_UPDATE"]
    await pool.execute("insert into payment (status, amount) values ('new', 1)")
    await pool.execute("update payment set status = 'paid'")
    assert [(r["trigger_name"], json.loads(r["payload"])["op"]) for r in await event_rows(pool)] == [
        ("payment_paid", "UPDATE")
    ]


async def test_bad_definitions_are_clear_errors_or_inconsistencies(
    pool: asyncpg.Pool, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_EVENTS_SECRET")
    with pytest.raises(TriggerError, match="environment variable 'TEST_EVENTS_SECRET' not set"):
        parse_event_triggers(payment_yaml(receiver.url))
    monkeypatch.setenv("TEST_EVENTS_SECRET", "x")
    with pytest.raises(TriggerError, match="exactly one of 'webhook' or 'webhook_from_env'"):
        parse_event_triggers(payment_yaml(receiver.url, webhook_from_env="TEST_EVENTS_BASE"))
    with pytest.raises(TriggerError, match="multiple declarations"):
        load_event_triggers([payment_yaml(receiver.url), payment_yaml(receiver.url)])

    bad = payment_yaml(receiver.url)
    bad["event_triggers"][0]["definition"]["update"] = {"columns": ["no_such_column"]}
    events = EventTriggers(pool, parse_event_triggers(bad))
    [problem] = await events.install()
    assert problem["type"] == "event_trigger"
    assert "no_such_column" in problem["reason"]
    await pool.execute("insert into payment (status, amount) values ('new', 1)")
    assert await event_rows(pool) == []  # nothing half-installed


async def test_a_handler_slower_than_timeout_sec_is_a_failed_attempt(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock()
    yaml = payment_yaml(receiver.url, retry_conf={"num_retries": 1, "interval_sec": 5, "timeout_sec": 1})
    events = await make_events(pool, yaml, clock=clock)
    receiver.hold = asyncio.Event()
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")
    assert await events.process_due() == 1
    receiver.hold.set()
    receiver.hold = None
    [log] = await pool.fetch("select * from hdb_catalog.event_invocation_logs")
    assert log["status"] == CLIENT_ERROR_STATUS
    assert json.loads(log["response"])["data"]["message"] == "webhook timed out after 1 seconds"
    [row] = await event_rows(pool)
    assert (row["tries"], row["delivered"], row["error"]) == (1, False, False)


def test_retry_after_and_url_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [
        parse_retry_after(v) for v in ("30", " 7 ", "0", "-3", "1.5", "Wed, 21 Oct 2026 07:28:00 GMT", None)
    ] == [
        30,
        7,
        None,
        None,
        None,
        None,
        None,
    ]
    monkeypatch.setenv("TEST_BASE", "http://actions:8000")
    assert (
        resolve_url("{{TEST_BASE}}/events/{{ TEST_BASE }}")
        == "http://actions:8000/events/http://actions:8000"
    )
    assert resolve_url("http://plain/x") == "http://plain/x"


def test_triggers_are_read_from_a_metadata_document(receiver: Receiver) -> None:
    payment = payment_yaml(receiver.url)
    doc = {
        "version": 3,
        "sources": [
            {"name": "default", "tables": [{"table": {"schema": "public", "name": "plain"}}, payment]}
        ],
    }
    [trigger] = event_triggers_from_metadata(doc)
    assert (trigger.name, trigger.source, trigger.schema, trigger.table) == (
        "payment_changed",
        "default",
        "public",
        "payment",
    )
    assert trigger.url == receiver.url
    assert event_triggers_from_metadata({"version": 3, "sources": []}) == []


async def test_two_workers_deliver_each_event_exactly_once(pool: asyncpg.Pool, receiver: Receiver) -> None:
    table = payment_yaml(receiver.url)
    first = await make_events(pool, table, batch_size=7)
    second = EventTriggers(pool, parse_event_triggers(table), batch_size=7)
    await pool.execute("insert into payment (status, amount) select 'paid', g from generate_series(1, 40) g")
    while sum(await asyncio.gather(first.process_due(), second.process_due())):
        pass
    ids = [r.body["id"] for r in receiver.requests]
    assert len(ids) == 40 and len(set(ids)) == 40  # SKIP LOCKED: no event went to both workers
    assert await pool.fetchval("select count(*) from hdb_catalog.event_log where delivered") == 40


async def test_session_variables_do_not_leak_into_later_transactions(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    await make_events(pool, payment_yaml(receiver.url))
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("select set_config('hasura.user', $1, true)", '{"x-hasura-role": "member"}')
            await conn.execute("insert into payment (status, amount) values ('a', 1)")
        # Same session, new transaction: the setting now reads as '' and must become null, not an error.
        await conn.execute("insert into payment (status, amount) values ('b', 1)")
    sessions = [json.loads(r["payload"])["session_variables"] for r in await event_rows(pool)]
    assert sorted(sessions, key=str) == sorted([{"x-hasura-role": "member"}, None], key=str)


def test_bad_triggers_become_inconsistencies_when_asked(receiver: Receiver) -> None:
    good = payment_yaml(receiver.url)
    bad_env = payment_yaml(receiver.url, name="needs_env", webhook=None, webhook_from_env="NOT_SET_ANYWHERE")
    bad_env["table"] = {"schema": "public", "name": "other"}
    doc = {"version": 3, "sources": [{"name": "default", "tables": [good, bad_env]}]}
    with pytest.raises(TriggerError, match="NOT_SET_ANYWHERE"):
        event_triggers_from_metadata(doc)
    problems: list[dict[str, Any]] = []
    assert [t.name for t in event_triggers_from_metadata(doc, problems)] == ["payment_changed"]
    assert [(p["type"], p["name"]) for p in problems] == [
        ("event_trigger", "event_trigger needs_env in table public.other")
    ]
    assert "environment variable 'NOT_SET_ANYWHERE' not set" in problems[0]["reason"]


async def test_trigger_names_must_fit_postgres_identifiers(pool: asyncpg.Pool, receiver: Receiver) -> None:
    fits = "p" + "x" * 41
    for _ in range(2):  # reinstalling recognises its own (63-byte) trigger names
        await make_events(pool, payment_yaml(receiver.url, name=fits))
    await pool.execute("insert into payment (status, amount) values ('paid', 1)")
    await pool.execute("delete from payment")
    assert [json.loads(r["payload"])["op"] for r in await event_rows(pool)] == ["INSERT", "DELETE"]
    with pytest.raises(TriggerError, match="at most 42 characters"):
        parse_event_triggers(payment_yaml(receiver.url, name=fits + "x"))
