"""Event and cron triggers wired into the running engine: a GraphQL mutation's change reaches a webhook with
Hasura's payload (session variables included), and the trigger calls of /v1/metadata work on the server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gqlengine.graphql.execute import Engine, Settings
from gqlengine.server.app import create_app
from gqlengine.triggers.service import TriggerService
from tests.engine.conftest import (
    SCHEMA,
    TABLES,
    Client,
    auth_config,
    drop_database,
    new_database,
    write_metadata,
)
from tests.engine.test_events_receiver import Receiver, eventually

AUTHOR_TRIGGER = """
        event_triggers:
          - name: author_changed
            definition:
              enable_manual: true
              insert: {columns: "*"}
              update: {columns: [name]}
            retry_conf: {num_retries: 0, interval_sec: 1, timeout_sec: 5}
            webhook: '{{WIRING_RECEIVER}}/author'
            headers:
              - {name: x-wiring-secret, value_from_env: WIRING_SECRET}
"""


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    rec = await Receiver().start()
    yield rec
    await rec.stop()


@pytest.fixture(scope="module")
async def wired(
    pg_url: str, receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Engine, Client, str]]:
    os.environ["WIRING_RECEIVER"] = receiver.url
    os.environ["WIRING_SECRET"] = "wiring-s3cret"
    url = await new_database(pg_url, SCHEMA)
    tables = dict(TABLES)
    tables["public_author.yaml"] = TABLES["public_author.yaml"] + AUTHOR_TRIGGER
    meta: Path = write_metadata(tmp_path_factory.mktemp("wired"), tables)
    (meta / "cron_triggers.yaml").write_text(
        "- name: nightly\n"
        "  webhook: '{{WIRING_RECEIVER}}/nightly'\n"
        "  schedule: '0 3 * * *'\n"
        "  include_in_metadata: true\n"
        "  payload: {job: nightly}\n"
    )
    os.environ["ENGINE_TEST_DATABASE_URL"] = url
    settings = Settings(metadata_dir=meta, database_url=url, auth=auth_config(), pool_size=3)
    service = TriggerService(fetch_interval=0.02)
    app = create_app(settings, services=[service])
    engine: Engine = app.state.engine
    await engine.start()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://engine")
    yield engine, Client(http), url
    await http.aclose()
    await engine.close()
    await drop_database(url)


@pytest.fixture
def fresh(receiver: Receiver) -> Receiver:
    receiver.requests.clear()
    return receiver


async def metadata(client: Client, body: dict[str, Any]) -> httpx.Response:
    return await client.admin_post("/v1/metadata", body)


def author_events(receiver: Receiver) -> list[dict[str, Any]]:
    return [r.body for r in receiver.requests if r.path == "/author"]


async def test_a_graphql_insert_is_delivered_with_the_session_variables(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, _ = wired
    res = await client.gql(
        'mutation { insert_author_one(object: {name: "Eve", rating: 2}) { id } }', role="user", org="acme"
    )
    new_id = res["data"]["insert_author_one"]["id"]
    await eventually(lambda: author_events(fresh))
    [body] = author_events(fresh)
    assert body["trigger"] == {"name": "author_changed"}
    assert body["table"] == {"schema": "public", "name": "author"}
    assert body["event"]["op"] == "INSERT"
    assert body["event"]["data"]["old"] is None
    assert body["event"]["data"]["new"]["id"] == new_id
    assert body["event"]["data"]["new"]["org"] == "acme"  # the preset, as stored
    session = body["event"]["session_variables"]
    assert session["x-hasura-role"] == "user"
    assert session["x-hasura-org"] == "acme"
    assert body["delivery_info"] == {"current_retry": 0, "max_retries": 0}
    [request] = [r for r in fresh.requests if r.path == "/author"]
    assert request.headers["x-wiring-secret"] == "wiring-s3cret"


async def test_an_admin_update_carries_the_admin_session(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, _ = wired
    res = await client.gql(
        'mutation { update_author(where: {name: {_eq: "Bob"}}, _set: {name: "Bobby"}) { affected_rows } }',
        admin=True,
    )
    assert res == {"data": {"update_author": {"affected_rows": 1}}}
    await eventually(lambda: author_events(fresh))
    [body] = author_events(fresh)
    assert body["event"]["op"] == "UPDATE"
    assert (body["event"]["data"]["old"]["name"], body["event"]["data"]["new"]["name"]) == ("Bob", "Bobby")
    assert body["event"]["session_variables"] == {"x-hasura-role": "admin"}


async def test_a_rolled_back_mutation_request_delivers_nothing(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, url = wired
    res = await client.gql(
        'mutation { a: insert_author_one(object: {name: "Gone", org: "acme"}) { id }'
        ' b: insert_article_one(object: {author_id: -1, title: "x"}) { id } }',
        admin=True,
    )
    assert res["errors"][0]["extensions"]["code"] == "constraint-violation"
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("select count(*) from author where name = 'Gone'") == 0
        assert (
            await conn.fetchval(
                "select count(*) from hdb_catalog.event_log where payload->'data'->'new'->>'name' = 'Gone'"
            )
            == 0
        )
    finally:
        await conn.close()


async def test_invoke_and_redeliver_through_the_metadata_api(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, _ = wired
    r = await metadata(
        client, {"type": "pg_invoke_event_trigger", "args": {"name": "author_changed", "payload": {"id": 9}}}
    )
    assert r.status_code == 200
    event_id = r.json()["event_id"]
    await eventually(lambda: author_events(fresh))
    assert author_events(fresh)[0]["event"]["op"] == "MANUAL"
    assert author_events(fresh)[0]["event"]["data"] == {"old": None, "new": {"id": 9}}
    await eventually(lambda: _delivered(wired[2], event_id))
    r = await metadata(client, {"type": "pg_redeliver_event", "args": {"event_id": event_id}})
    assert r.json() == {"message": "success"}
    await eventually(lambda: len(author_events(fresh)) == 2)
    assert {b["id"] for b in author_events(fresh)} == {event_id}
    r = await metadata(client, {"type": "pg_invoke_event_trigger", "args": {"name": "nope", "payload": {}}})
    assert r.status_code == 400
    assert r.json()["code"] == "not-exists"


async def _delivered(url: str, event_id: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        sql = "select delivered from hdb_catalog.event_log where id = $1"
        return bool(await conn.fetchval(sql, event_id))
    finally:
        await conn.close()


async def test_reload_metadata_reinstalls_a_dropped_database_trigger(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, url = wired
    conn = await asyncpg.connect(url)
    try:
        await conn.execute('drop trigger "notify_hasura_author_changed_INSERT" on author')
        r = await metadata(client, {"type": "reload_metadata", "args": {}})
        assert r.json()["message"] == "success"
        await conn.execute("insert into author (name, org) values ('Psql', 'globex')")
    finally:
        await conn.close()
    await eventually(lambda: author_events(fresh))
    [body] = author_events(fresh)
    assert body["event"]["data"]["new"]["name"] == "Psql"
    assert body["event"]["session_variables"] is None  # not a change made through the engine


async def test_create_and_delete_event_trigger(wired: tuple[Engine, Client, str], fresh: Receiver) -> None:
    _, client, url = wired
    create = {
        "type": "pg_create_event_trigger",
        "args": {
            "name": "comment_added",
            "source": "default",
            "table": {"schema": "public", "name": "comment"},
            "webhook": "{{WIRING_RECEIVER}}/comment",
            "insert": {"columns": "*"},
            "retry_conf": {"num_retries": 1, "interval_sec": 1, "timeout_sec": 5},
        },
    }
    assert (await metadata(client, create)).json() == {"message": "success"}
    again = await metadata(client, create)
    assert (again.status_code, again.json()["code"]) == (400, "already-exists")
    insert = 'mutation { insert_comment_one(object: {article_id: 1, body: "new"}) { id } }'
    await client.gql(insert, admin=True)
    await eventually(lambda: [r for r in fresh.requests if r.path == "/comment"])
    exported = (await metadata(client, {"type": "export_metadata", "args": {}})).json()
    comment = next(t for t in exported["sources"][0]["tables"] if t["table"]["name"] == "comment")
    assert comment["event_triggers"][0]["name"] == "comment_added"

    r = await metadata(client, {"type": "pg_delete_event_trigger", "args": {"name": "comment_added"}})
    assert r.json() == {"message": "success"}
    conn = await asyncpg.connect(url)
    try:
        names = await conn.fetch("select tgname from pg_trigger where tgrelid = 'comment'::regclass")
    finally:
        await conn.close()
    assert not [n for n in names if n["tgname"].startswith("notify_hasura_")]
    missing = await metadata(client, {"type": "pg_delete_event_trigger", "args": {"name": "comment_added"}})
    assert (missing.status_code, missing.json()["code"]) == (400, "not-exists")


async def test_cron_triggers_are_scheduled_delivered_and_edited(
    wired: tuple[Engine, Client, str], fresh: Receiver
) -> None:
    _, client, url = wired
    hidden = {
        "name": "hidden_job",
        "webhook": "{{WIRING_RECEIVER}}/hidden",
        "schedule": "*/10 * * * *",
        "include_in_metadata": False,
        "payload": {"k": 1},
        "comment": "not in the repo",
    }
    assert (await metadata(client, {"type": "create_cron_trigger", "args": hidden})).json() == {
        "message": "success"
    }
    exported = (await metadata(client, {"type": "export_metadata", "args": {}})).json()
    assert [c["name"] for c in exported["cron_triggers"]] == ["nightly"]

    conn = await asyncpg.connect(url)
    try:
        scheduled = await conn.fetchval(
            "select count(*) from gqlengine.hdb_cron_events where trigger_name = 'hidden_job'"
        )
        assert scheduled > 0
        # Make the next run due now instead of waiting for the clock.
        event_id = await conn.fetchval(
            "update gqlengine.hdb_cron_events set scheduled_time = now()"
            " where id = (select id from gqlengine.hdb_cron_events where trigger_name = 'hidden_job'"
            "             order by scheduled_time limit 1) returning id"
        )
        await eventually(lambda: [r for r in fresh.requests if r.path == "/hidden"])
        [body] = [r.body for r in fresh.requests if r.path == "/hidden"]
        assert body["id"] == event_id
        assert body["name"] == "hidden_job"
        assert body["payload"] == {"k": 1}
        assert body["comment"] == "not in the repo"

        r = await metadata(client, {"type": "delete_cron_trigger", "args": {"name": "hidden_job"}})
        assert r.json() == {"message": "success"}
        left = await conn.fetchval(
            "select count(*) from gqlengine.hdb_cron_events"
            " where trigger_name = 'hidden_job' and status = 'scheduled'"
        )
        assert left == 0
    finally:
        await conn.close()
    r = await metadata(client, {"type": "delete_cron_trigger", "args": {"name": "hidden_job"}})
    assert (r.status_code, r.json()["code"]) == (400, "not-exists")


def test_serve_runs_the_trigger_service(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from gqlengine.server import app as server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
    server.serve(port=1, metadata=Path("/nonexistent"), database_url="postgresql://unused")
    services = seen["app"].state.engine.services
    assert [type(s) for s in services] == [TriggerService]
