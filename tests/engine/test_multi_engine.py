"""Several engines on one database: each event and each cron tick is delivered by exactly one of them, and
what an engine that died had claimed is taken by another once its lease runs out."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from gqlengine.triggers.cron import CronTriggers, parse_cron_triggers
from gqlengine.triggers.events import EventTriggers, parse_event_triggers
from tests.engine.test_cron import FIRST, START, cron_entry
from tests.engine.test_events import TABLE_SQL, payment_yaml
from tests.engine.test_events_receiver import FakeClock, Receiver, eventually

BURST = 120


@pytest.fixture
async def pools(empty_db_url: str) -> AsyncIterator[list[asyncpg.Pool]]:
    """One pool per engine, as two processes would have."""
    pools = [await asyncpg.create_pool(empty_db_url, min_size=1, max_size=4) for _ in range(3)]
    await pools[0].execute(TABLE_SQL)
    yield pools
    for pool in pools:
        await pool.close()


@pytest.fixture
async def receiver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Receiver]:
    monkeypatch.setenv("TEST_EVENTS_SECRET", "s3cret")
    monkeypatch.setenv("TEST_CRON_SECRET", "cron-s3cret")
    rec = await Receiver().start()
    yield rec
    await rec.stop()


def deliveries(receiver: Receiver) -> Counter[str]:
    return Counter(r.body["id"] for r in receiver.requests)


async def _all_delivered(pool: asyncpg.Pool) -> bool:
    return await pool.fetchval(
        "select bool_and(delivered) and count(*) = $1 from hdb_catalog.event_log", BURST
    )


async def test_two_engines_deliver_a_burst_exactly_once(
    pools: list[asyncpg.Pool], receiver: Receiver
) -> None:
    table = payment_yaml(receiver.url)
    engines = [
        EventTriggers(pool, parse_event_triggers(table), fetch_interval=0.02, batch_size=10, lease=30)
        for pool in pools[:2]
    ]
    for engine in engines:
        await engine.install()
        await engine.start()
    try:
        await pools[2].execute(
            "insert into payment (status, amount) select 'paid', g from generate_series(1, $1) g", BURST
        )
        await eventually(lambda: _all_delivered(pools[2]), within=60)
    finally:
        for engine in engines:
            await engine.stop()
    counts = deliveries(receiver)
    assert len(counts) == BURST and set(counts.values()) == {1}
    logs = await pools[2].fetch(
        "select event_id, count(*) as n from hdb_catalog.event_invocation_logs group by event_id"
    )
    assert len(logs) == BURST and {r["n"] for r in logs} == {1}


async def test_a_killed_engines_claims_go_to_the_other_after_the_lease(
    pools: list[asyncpg.Pool], receiver: Receiver
) -> None:
    table = payment_yaml(receiver.url)
    doomed = EventTriggers(pools[0], parse_event_triggers(table), batch_size=5, lease=1.0)
    survivor = EventTriggers(pools[1], parse_event_triggers(table), fetch_interval=0.02, lease=1.0)
    await doomed.install()
    await pools[2].execute(
        "insert into payment (status, amount) select 'paid', g from generate_series(1, 20) g"
    )

    # The doomed engine claims five events and dies while the handler holds them: nothing is recorded.
    receiver.hold = asyncio.Event()
    killed = asyncio.create_task(doomed.process_due())
    await receiver.wait_for(5)
    killed.cancel()
    await asyncio.gather(killed, return_exceptions=True)
    claimed = {r.body["id"] for r in receiver.requests}
    receiver.hold.set()
    receiver.hold = None

    await survivor.start()
    try:
        await eventually(lambda: _survivor_done(pools[2], 20), within=30)
    finally:
        await survivor.stop()
    counts = deliveries(receiver)
    # Every event arrived; the five the dead engine had sent arrived again (at least once), no other twice.
    assert len(counts) == 20
    assert {i for i, n in counts.items() if n > 1} == claimed
    assert set(counts.values()) == {1, 2}


async def _survivor_done(pool: asyncpg.Pool, total: int) -> bool:
    return await pool.fetchval(
        "select count(*) filter (where delivered) = $1 from hdb_catalog.event_log", total
    )


async def test_two_schedulers_deliver_each_tick_once(pools: list[asyncpg.Pool], receiver: Receiver) -> None:
    clock = FakeClock(START)
    entries = [cron_entry(receiver.url)]
    schedulers = [
        CronTriggers(
            pool, parse_cron_triggers(entries), clock=clock, fetch_interval=0.02, upcoming=5, lease=30
        )
        for pool in pools[:2]
    ]
    for scheduler in schedulers:
        await scheduler.install()
        await scheduler.start()
    try:
        for minute in range(4):  # four ticks fall due, each while both schedulers run
            clock.now = FIRST + timedelta(minutes=minute)
            for scheduler in schedulers:
                scheduler.wake()
            await eventually(lambda n=minute + 1: _ticks_delivered(pools[2], n))
        for scheduler in schedulers:  # both top up the upcoming ticks again, after some were delivered
            await scheduler.generate()
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
    counts = Counter(r.body["scheduled_time"] for r in receiver.requests)
    assert len(counts) == 4 and set(counts.values()) == {1}
    rows = await pools[2].fetch(
        "select scheduled_time, count(*) as n from gqlengine.hdb_cron_events group by 1 having count(*) > 1"
    )
    assert rows == []


async def _ticks_delivered(pool: asyncpg.Pool, n: int) -> bool:
    delivered = await pool.fetchval(
        "select count(*) from gqlengine.hdb_cron_events where status = 'delivered'"
    )
    return delivered >= n


async def test_an_engine_starting_leaves_the_claims_of_a_live_one_alone(
    pools: list[asyncpg.Pool], receiver: Receiver
) -> None:
    table = payment_yaml(receiver.url)
    first = EventTriggers(pools[0], parse_event_triggers(table), fetch_interval=0.02, lease=30)
    second = EventTriggers(pools[1], parse_event_triggers(table), fetch_interval=0.02, lease=30)
    await first.install()
    await first.start()
    receiver.hold = asyncio.Event()
    try:
        await pools[2].execute("insert into payment (status, amount) values ('paid', 1)")
        await receiver.wait_for(1)  # the first engine is delivering it
        await second.install()
        await second.start()
        await second.process_due()
        receiver.hold.set()
        await eventually(lambda: _survivor_done(pools[2], 1))
    finally:
        await second.stop()
        await first.stop()
    assert len(receiver.requests) == 1
