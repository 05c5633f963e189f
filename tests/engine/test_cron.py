"""Cron triggers: generated ahead, delivered when due with Hasura's payload, retried, caught up on restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from gqlengine.triggers.cron import (
    CronTriggers,
    cron_triggers_from_metadata,
    edit_cron_triggers,
    parse_cron_triggers,
)
from gqlengine.triggers.webhook import TriggerError
from tests.engine.test_events_receiver import FakeClock, Receiver, eventually

# Half past a minute: the every-minute schedule's next runs are start+30s, start+90s, ...
START = datetime(2026, 3, 1, 10, 0, 30, tzinfo=UTC)
FIRST = datetime(2026, 3, 1, 10, 1, tzinfo=UTC)


def cron_entry(url: str, **overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "rollover",
        "webhook": url + "/cron/rollover",
        "schedule": "* * * * *",
        "include_in_metadata": True,
        "payload": {"kind": "rollover"},
        "retry_conf": {"num_retries": 2, "retry_interval_seconds": 10, "timeout_seconds": 5},
        "headers": [{"name": "x-cron-secret", "value_from_env": "TEST_CRON_SECRET"}],
        "comment": "every minute",
    }
    entry.update(overrides)
    return entry


@pytest.fixture
async def pool(empty_db_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(empty_db_url, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def receiver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Receiver]:
    monkeypatch.setenv("TEST_CRON_SECRET", "cron-s3cret")
    rec = await Receiver().start()
    yield rec
    await rec.stop()


async def make_cron(
    pool: asyncpg.Pool, entries: list[dict[str, Any]], clock: FakeClock, lease: float | None = None
) -> CronTriggers:
    cron = CronTriggers(
        pool, parse_cron_triggers(entries), clock=clock, fetch_interval=0.02, upcoming=5, lease=lease
    )
    await cron.install()
    return cron


async def cron_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("select * from gqlengine.hdb_cron_events order by scheduled_time, created_at")


async def test_upcoming_events_are_generated_and_a_due_one_is_delivered(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(START)
    cron = await make_cron(pool, [cron_entry(receiver.url)], clock)
    rows = await cron_rows(pool)
    assert [r["scheduled_time"] for r in rows] == [FIRST + timedelta(minutes=i) for i in range(5)]
    assert {r["status"] for r in rows} == {"scheduled"}
    assert await cron.process_due() == 0

    clock.now = FIRST
    assert await cron.process_due() == 1
    [request] = receiver.requests
    assert request.path == "/cron/rollover"
    assert request.headers["x-cron-secret"] == "cron-s3cret"
    assert request.body == {
        "id": rows[0]["id"],
        "name": "rollover",
        "scheduled_time": "2026-03-01T10:01:00Z",
        "payload": {"kind": "rollover"},
        "comment": "every minute",
    }
    rows = await cron_rows(pool)
    assert [(r["status"], r["tries"]) for r in rows[:2]] == [("delivered", 1), ("scheduled", 0)]
    [log] = await pool.fetch("select * from gqlengine.hdb_cron_event_invocation_logs")
    assert (log["event_id"], log["status"]) == (rows[0]["id"], 200)
    assert json.loads(log["request"])["payload"] == request.body

    # The generator keeps `upcoming` future events as time passes.
    clock.advance(120)
    await cron.generate()
    future = [r for r in await cron_rows(pool) if r["scheduled_time"] > clock.now]
    assert len(future) == 5


async def test_comment_and_payload_are_optional(pool: asyncpg.Pool, receiver: Receiver) -> None:
    clock = FakeClock(START)
    entry = cron_entry(receiver.url, headers=[])
    del entry["comment"], entry["payload"]
    cron = await make_cron(pool, [entry], clock)
    clock.now = FIRST
    assert await cron.process_due() == 1
    assert set(receiver.requests[0].body) == {"id", "name", "scheduled_time", "payload"}
    assert receiver.requests[0].body["payload"] is None


async def test_failed_delivery_is_retried_then_marked_error(pool: asyncpg.Pool, receiver: Receiver) -> None:
    clock = FakeClock(START)
    cron = await make_cron(pool, [cron_entry(receiver.url)], clock)
    receiver.fail_next = 3
    clock.now = FIRST
    assert await cron.process_due() == 1
    [first] = (await cron_rows(pool))[:1]
    assert (first["status"], first["tries"], first["next_retry_at"]) == (
        "scheduled",
        1,
        FIRST + timedelta(seconds=10),
    )
    clock.advance(9)
    assert await cron.process_due() == 0
    clock.advance(1)
    assert await cron.process_due() == 1
    clock.advance(10)
    assert await cron.process_due() == 1  # third attempt: num_retries (2) used up
    [first] = (await cron_rows(pool))[:1]
    assert (first["status"], first["tries"]) == ("error", 3)
    assert [r.body["id"] for r in receiver.requests] == [first["id"]] * 3
    logs = await pool.fetch("select status from gqlengine.hdb_cron_event_invocation_logs")
    assert [log["status"] for log in logs] == [500, 500, 500]


async def test_retry_after_sets_the_next_attempt(pool: asyncpg.Pool, receiver: Receiver) -> None:
    clock = FakeClock(START)
    cron = await make_cron(pool, [cron_entry(receiver.url)], clock)
    receiver.fail_next, receiver.fail_status, receiver.retry_after = 1, 429, "25"
    clock.now = FIRST
    assert await cron.process_due() == 1
    [first] = (await cron_rows(pool))[:1]
    assert first["next_retry_at"] == FIRST + timedelta(seconds=25)
    clock.advance(25)
    assert await cron.process_due() == 1
    [first] = (await cron_rows(pool))[:1]
    assert (first["status"], first["tries"]) == ("delivered", 2)


async def test_runs_missed_while_down_are_delivered_within_tolerance_and_dead_outside(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(START)
    entries = [cron_entry(receiver.url, retry_conf={"tolerance_seconds": 100})]
    await make_cron(pool, entries, clock)  # the engine schedules, then goes down

    clock.now = START + timedelta(seconds=200)  # runs at +30s, +90s, +150s were missed
    restarted = await make_cron(pool, entries, clock)
    assert await restarted.process_due() == 3
    rows = await cron_rows(pool)
    # ages when picked up: 170 s and 110 s (dead), 50 s (delivered late)
    assert [r["status"] for r in rows[:3]] == ["dead", "dead", "delivered"]
    [request] = receiver.requests
    assert request.body["scheduled_time"] == "2026-03-01T10:03:00Z"
    dead_logs = await pool.fetchval(
        "select count(*) from gqlengine.hdb_cron_event_invocation_logs where event_id = any($1::text[])",
        [r["id"] for r in rows[:2]],
    )
    assert dead_logs == 0


async def test_event_locked_by_a_killed_engine_is_delivered_after_its_lease(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(START)
    entries = [cron_entry(receiver.url)]
    cron = await make_cron(pool, entries, clock)
    receiver.hold = asyncio.Event()
    clock.now = FIRST
    doomed = asyncio.create_task(cron.process_due())
    await receiver.wait_for(1)
    doomed.cancel()
    await asyncio.gather(doomed, return_exceptions=True)
    assert (await cron_rows(pool))[0]["status"] == "locked"
    receiver.hold.set()
    receiver.hold = None

    # Another engine leaves the claim alone while its lease holds, and takes it once the lease ran out.
    assert await (await make_cron(pool, entries, clock, lease=60)).process_due() == 0
    restarted = await make_cron(pool, entries, clock, lease=0.5)
    await restarted.start()
    try:
        await eventually(lambda: _first_status(pool, "delivered"))
    finally:
        await restarted.stop()
    ids = {r.body["id"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(ids) == 1
    assert receiver.effects == {ids.pop(): 1}


async def _first_status(pool: asyncpg.Pool, status: str) -> bool:
    rows = await cron_rows(pool)
    return rows[0]["status"] == status


async def test_background_scheduler_delivers_when_the_time_comes(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(START)
    cron = await make_cron(pool, [cron_entry(receiver.url)], clock)
    await cron.start()
    try:
        clock.now = FIRST + timedelta(minutes=1)
        await receiver.wait_for(2)
        await eventually(lambda: _count_status(pool, "delivered", 2))
    finally:
        await cron.stop()
    assert [r.body["scheduled_time"] for r in receiver.requests] == [
        "2026-03-01T10:01:00Z",
        "2026-03-01T10:02:00Z",
    ]


async def _count_status(pool: asyncpg.Pool, status: str, n: int) -> bool:
    return sum(r["status"] == status for r in await cron_rows(pool)) == n


async def test_create_replace_and_delete_cron_trigger(pool: asyncpg.Pool, receiver: Receiver) -> None:
    clock = FakeClock(START)
    cron = await make_cron(pool, [], clock)
    args = cron_entry(receiver.url, name="hourly", schedule="0 * * * *", include_in_metadata=False)
    assert await cron.create(args) == {"message": "success"}
    rows = await cron_rows(pool)
    assert rows[0]["scheduled_time"] == datetime(2026, 3, 1, 11, 0, tzinfo=UTC) and len(rows) == 5
    assert cron.definitions() == []  # include_in_metadata: false stays out of the export

    with pytest.raises(TriggerError) as exists:
        await cron.create(args)
    assert exists.value.code == "already-exists"
    await cron.create({**args, "schedule": "30 * * * *", "include_in_metadata": True, "replace": True})
    rows = await cron_rows(pool)
    assert {r["scheduled_time"].minute for r in rows} == {30} and len(rows) == 5
    assert [d["name"] for d in cron.definitions()] == ["hourly"]

    assert await cron.delete({"name": "hourly"}) == {"message": "success"}
    assert await cron_rows(pool) == []
    with pytest.raises(TriggerError) as missing:
        await cron.delete({"name": "hourly"})
    assert (missing.value.code, missing.value.message) == (
        "not-exists",
        "cron trigger with name: hourly does not exist",
    )


async def test_restart_with_a_changed_schedule_drops_stale_future_events(
    pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(START)
    await make_cron(pool, [cron_entry(receiver.url), cron_entry(receiver.url, name="removed")], clock)
    await make_cron(pool, [cron_entry(receiver.url, schedule="*/2 * * * *")], clock)
    rows = await cron_rows(pool)
    assert {r["trigger_name"] for r in rows} == {"rollover"}
    assert [r["scheduled_time"].minute for r in rows] == [2, 4, 6, 8, 10]


def test_invalid_definitions_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CRON_SECRET", "x")
    with pytest.raises(TriggerError, match="invalid cron schedule"):
        parse_cron_triggers([cron_entry("http://h", schedule="* * * *")])
    with pytest.raises(TriggerError, match="include_in_metadata"):
        entry = cron_entry("http://h")
        del entry["include_in_metadata"]
        parse_cron_triggers([entry])
    with pytest.raises(TriggerError, match="environment variable 'NOPE_NOT_SET' not set"):
        parse_cron_triggers([cron_entry("{{NOPE_NOT_SET}}")])
    with pytest.raises(TriggerError, match="multiple declarations"):
        parse_cron_triggers([cron_entry("http://h"), cron_entry("http://h")])
    assert parse_cron_triggers(None) == []


def test_cron_triggers_are_read_from_a_metadata_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CRON_SECRET", "x")
    [trigger] = cron_triggers_from_metadata(
        {"version": 3, "sources": [], "cron_triggers": [cron_entry("http://h")]}
    )
    assert (trigger.name, trigger.url, trigger.conf.retry_conf.tolerance_seconds) == (
        "rollover",
        "http://h/cron/rollover",
        21600,
    )
    assert cron_triggers_from_metadata({"version": 3, "sources": []}) == []


def test_bad_cron_triggers_become_inconsistencies_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CRON_SECRET", "x")
    doc = {
        "cron_triggers": [cron_entry("http://h"), cron_entry("http://h", name="bad", schedule="every day")]
    }
    problems: list[dict[str, Any]] = []
    assert [t.name for t in cron_triggers_from_metadata(doc, problems)] == ["rollover"]
    assert [(p["type"], p["name"]) for p in problems] == [("cron_trigger", "cron_trigger bad")]
    assert "invalid cron schedule" in problems[0]["reason"]


def test_edit_cron_triggers_is_the_metadata_document_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CRON_SECRET", "x")
    entries = [cron_entry("http://h"), cron_entry("http://h", name="other")]
    replaced = edit_cron_triggers(
        entries, "create_cron_trigger", {**entries[0], "schedule": "0 * * * *", "replace": True}
    )
    assert [(e["name"], e["schedule"]) for e in replaced] == [
        ("rollover", "0 * * * *"),
        ("other", "* * * * *"),
    ]
    assert "replace" not in replaced[0]
    with pytest.raises(TriggerError, match="cron trigger with name: rollover already exists"):
        edit_cron_triggers(entries, "create_cron_trigger", entries[0])
    with pytest.raises(TriggerError, match="invalid cron schedule"):
        edit_cron_triggers(entries, "create_cron_trigger", {**entries[0], "name": "new", "schedule": "bad"})
    assert [e["name"] for e in edit_cron_triggers(entries, "delete_cron_trigger", {"name": "rollover"})] == [
        "other"
    ]
    assert entries[0]["schedule"] == "* * * * *"  # the input list is left alone
