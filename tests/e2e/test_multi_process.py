"""Two gqlengine processes and two service workers on one database: a burst of events is delivered once,
cron ticks are generated once, and an engine killed mid-delivery leaves its events to the other.

Engine 1 delivers to service worker 1, engine 2 to worker 2. The events are low-balance notices
(`credit_notification_deliver`): the service POSTs each to the organization's receiver, which counts them
by `Credits-Notification-Id`. Database access only arranges the notices and watches the queues.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg

from devkit.fake_stripe import API_KEY, WEBHOOK_SECRET
from tests.billing.helpers import SECRET, new_org
from tests.billing.receiver import verify
from tests.servers import actions_env, free_port, serving

from .conftest import engine_env
from .test_async_flows import eventually

HOOK_SECRET = "multi-process-hook-secret-0123456789"
LEASE_SECONDS = "3"
BURST = 40


class SlowReceiver:
    """The organization's endpoint: verifies the signature, counts notices, answers after `delay`."""

    def __init__(self, delay: float) -> None:
        self.ids: list[str] = []
        self.rejected = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if verify(HOOK_SECRET, self.headers.get("credits-signature", ""), body):
                    owner.ids.append(self.headers.get("credits-notification-id") or "")
                    time.sleep(delay)
                    self.send_response(200)
                else:
                    owner.rejected += 1
                    self.send_response(401)
                self.send_header("content-length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/credits-hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sql(db_url: str, query: str, *args: Any) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(db_url)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def org_with_receiver(db_url: str, url: str) -> str:
    async def create() -> str:
        pool = await asyncpg.create_pool(db_url, min_size=1, max_size=1)
        try:
            org = await new_org(pool, "plan_pro")
            await pool.execute(
                "insert into organization_credit_settings"
                " (organization_id, notification_webhook_url, notification_webhook_secret)"
                " values ($1, $2, $3)",
                org,
                url,
                HOOK_SECRET,
            )
            return org
        finally:
            await pool.close()

    return asyncio.run(create())


def burst(db_url: str, org: str, first_episode: int) -> list[str]:
    """BURST notices in one transaction: BURST events at once."""
    ids = sql(
        db_url,
        "with made as (insert into credit_notifications (organization_id, kind, period_start, episode)"
        " select $1, 'low_balance', date_trunc('month', now()), g from generate_series($2::int, $3::int) g"
        " returning id) select array_agg(id) from made",
        org,
        first_episode,
        first_episode + BURST - 1,
    )
    return list(ids)


def all_delivered(db_url: str, ids: list[str]) -> bool:
    return sql(
        db_url,
        "select count(*) = cardinality($1::text[]) from credit_notifications"
        " where id = any($1::text[]) and delivery_status = 'delivered'",
        ids,
    ) and sql(db_url, "select count(*) = 0 from hdb_catalog.event_log where not delivered and not error")


@contextlib.contextmanager
def stack(db_url: str) -> Iterator[list[Any]]:
    """Two service workers and two engines (engine i calls worker i); yields the engine processes."""
    with contextlib.ExitStack() as stack:
        engines = []
        for _ in range(2):
            service_port, engine_port = free_port(), free_port()
            service_url = f"http://127.0.0.1:{service_port}"
            service_env = actions_env(
                db_url,
                service_port,
                action_secret=SECRET,
                CREDITS_STRIPE_SECRET_KEY=API_KEY,
                CREDITS_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                CREDITS_STRIPE_API_BASE="http://127.0.0.1:9",
                CREDITS_NOTIFICATION_TIMEOUT="10",
                CREDITS_NOTIFICATION_ALLOW_PRIVATE_TARGETS="true",
            )
            gql_env = engine_env(
                db_url,
                engine_port,
                ACTIONS_BASE_URL=service_url,
                CREDITS_HASURA_ACTION_SECRET=SECRET,
                HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL="50",
                GQLENGINE_DELIVERY_LEASE_SECONDS=LEASE_SECONDS,
            )
            stack.enter_context(serving(["-m", "actions"], service_env, f"{service_url}/healthz"))
            engines.append(
                stack.enter_context(
                    serving(["-m", "gqlengine", "serve"], gql_env, f"http://127.0.0.1:{engine_port}/healthz")
                )
            )
        yield engines


def test_two_engines_and_two_workers_deliver_once_through_a_burst_and_a_kill(db_url: str) -> None:
    receiver = SlowReceiver(delay=0.3)
    try:
        org = org_with_receiver(db_url, receiver.url)
        with stack(db_url) as engines:
            # Both engines generated the upcoming cron ticks; each tick exists once.
            assert (
                sql(
                    db_url,
                    "select count(*) from (select 1 from gqlengine.hdb_cron_events"
                    " group by trigger_name, scheduled_time having count(*) > 1) twice",
                )
                == 0
            )

            first = burst(db_url, org, 1)
            eventually(lambda: all_delivered(db_url, first), within=60)
            assert Counter(receiver.ids) == Counter(dict.fromkeys(first, 1))

            # A second burst; engine 1 is killed while both engines have deliveries in flight.
            second = burst(db_url, org, BURST + 1)
            eventually(lambda: any(i in second for i in receiver.ids))
            in_flight = sql(
                db_url,
                "select count(*) from hdb_catalog.event_log where locked is not null and not delivered",
            )
            engines[0].send_signal(signal.SIGKILL)
            engines[0].wait()
            assert in_flight > 0
            try:
                # Room for one retry of a failed attempt (the trigger's retry interval is 60 s): exactly
                # once is the property here, not speed; a lost event still fails, with what was left.
                eventually(lambda: all_delivered(db_url, second), within=150)
            except AssertionError:
                undelivered = sql(
                    db_url,
                    "select json_agg(json_build_object('trigger', e.trigger_name, 'tries', e.tries,"
                    " 'locked', e.locked, 'next_retry_at', e.next_retry_at, 'last', (select l.status::text"
                    " || ' ' || left(l.response::text, 300) from hdb_catalog.event_invocation_logs l"
                    " where l.event_id = e.id order by l.created_at desc limit 1)))"
                    " from hdb_catalog.event_log e where not e.delivered and not e.error",
                )
                raise AssertionError(f"events not delivered after the kill: {undelivered}") from None
            # The dead engine's events were taken by the other after the lease and delivered again; the
            # service answered them as already sent.
            taken_over = sql(
                db_url,
                "select count(*) from hdb_catalog.event_invocation_logs"
                " where response::text like '%replayed%'",
            )
            assert taken_over > 0
    finally:
        receiver.close()
    # Every notice reached the organization exactly once: the events of the dead engine were delivered
    # again by the other after the lease, and the service answered those as already delivered.
    assert Counter(receiver.ids) == Counter(dict.fromkeys(first + second, 1))
    assert receiver.rejected == 0
