"""Metadata: the v3 directory loader, inconsistency reports, `metadata apply`, and the project's metadata."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest

from devdb.project import metadata_dir
from gqlengine.graphql.schema import build_role_schema
from gqlengine.metadata import catalog, inherited_roles, query_collections
from gqlengine.metadata import model as md

from .conftest import SCHEMA, TABLES, Client, drop_database, new_database, start_engine, write_metadata


async def _resolve(url: str, directory: Path) -> md.Model:
    conn = await asyncpg.connect(url)
    try:
        cat = await catalog.introspect(conn)
    finally:
        await conn.close()
    # As the engine serves it: inherited roles resolved, collections and endpoints checked.
    return query_collections.resolve(md.load_directory(directory), cat)


def test_loader_follows_includes_and_defaults_optional_files(tmp_path: Path):
    doc = md.load_directory(write_metadata(tmp_path))
    assert doc["version"] == 3
    (source,) = doc["sources"]
    assert source["configuration"]["connection_info"]["database_url"] == {
        "from_env": "ENGINE_TEST_DATABASE_URL"
    }
    assert [t["table"]["name"] for t in source["tables"]] == ["author", "article", "comment", "secret"]
    assert "cron_triggers" not in doc  # empty optional files are omitted, as Hasura exports them


def test_loader_needs_version_3(tmp_path: Path):
    with pytest.raises(md.MetadataError, match=r"version\.yaml"):
        md.load_directory(tmp_path)
    (tmp_path / "version.yaml").write_text("version: 2\n")
    with pytest.raises(md.MetadataError, match="expected 3"):
        md.load_directory(tmp_path)


def test_actions_must_exist_in_both_files(tmp_path: Path):
    write_metadata(
        tmp_path,
        actions_graphql="type Query { a: String }",
        actions_yaml="actions:\n  - name: b\n    definition: {handler: 'http://x'}\n",
    )
    with pytest.raises(md.MetadataError, match=r"action a is not present in actions\.yaml"):
        md.load_directory(tmp_path)


async def test_inconsistencies_are_reported_like_hasura(engine_db: str, tmp_path: Path):
    tables = dict(TABLES)
    tables["public_ghost.yaml"] = "table: {name: ghost, schema: public}\n"
    tables["public_author.yaml"] = textwrap.dedent("""
        table: {name: author, schema: public}
        object_relationships:
          - name: buddy
            using: {foreign_key_constraint_on: name}
        select_permissions:
          - role: user
            permission: {columns: [id, nope], filter: {}}
          - role: other
            permission: {columns: [id], filter: {nope: {_eq: 1}}}
          - role: third
            permission: {columns: [id], filter: {id: {_equals: 1}}}
    """)
    model = await _resolve(engine_db, write_metadata(tmp_path, tables))
    reasons = {(i["type"], i["reason"]) for i in model.inconsistencies}
    assert ("table", 'Inconsistent object: no such table/view exists in source: "ghost"') in reasons
    assert (
        "object_relation",
        'Inconsistent object: in table "author": no foreign constraint exists on the given column(s) "name"',
    ) in reasons
    assert (
        "select_permission",
        'Inconsistent object: in table "author": in permission for role "user": column "nope" does not exist',
    ) in reasons
    assert any(t == "select_permission" and '"other"' in r for t, r in reasons)
    assert (
        "select_permission",
        'Inconsistent object: in table "author": in permission for role "third": '
        '"_equals" is not a valid boolean operator on column "id"',
    ) in reasons
    # Consistent parts still work.
    assert ("public", "article") in model.tables and "user" not in model.tables[("public", "author")].select


def test_metadata_apply_fails_loudly_with_the_list(engine_db: str, tmp_path: Path):
    tables = dict(TABLES, **{"public_ghost.yaml": "table: {name: ghost, schema: public}\n"})
    write_metadata(tmp_path, tables)
    env = {"PATH": "/usr/bin:/bin", "ENGINE_TEST_DATABASE_URL": engine_db}
    cmd = [sys.executable, "-m", "gqlengine", "metadata", "apply", "--metadata-dir", str(tmp_path)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert 'no such table/view exists in source: "ghost"' in r.stderr
    write_metadata(tmp_path / "ok")
    cmd[-1] = str(tmp_path / "ok")
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout.strip()) == (0, "metadata consistent: 4 table(s), 0 action(s)")


async def test_project_metadata_is_consistent_with_the_migrated_database(db_url: str):
    model = await _resolve(db_url, metadata_dir())
    assert model.inconsistencies == []
    assert len(model.tables) >= 20
    balance = model.tables[("public", "organization_credit_balances")]
    assert {"available", "spendable", "monthly_remaining"} <= set(balance.computed_fields)
    assert set(balance.select) == {"viewer", "member", "org_admin", "owner"}
    ledger = model.tables[("public", "credit_transactions")]
    assert all(p.limit for p in ledger.select.values())


def test_project_table_files_follow_the_house_style():
    tables = metadata_dir() / "databases" / "default" / "tables"
    order = ["anonymous", "viewer", "member", "org_admin", "owner", "service"]
    for path in sorted(tables.glob("public_*.yaml")):
        text = path.read_text()
        keys = [
            k
            for k in ("select_permissions", "insert_permissions", "update_permissions", "delete_permissions")
            if k in text
        ]
        assert keys == sorted(
            keys,
            key=[
                "select_permissions",
                "insert_permissions",
                "update_permissions",
                "delete_permissions",
            ].index,
        ), path
        doc = md._load_yaml(path)
        for kind in keys:
            # Permissions always list their columns; event triggers may watch "*".
            assert all(p["permission"].get("columns") != "*" for p in doc[kind]), (path, kind)
            roles = [p["role"] for p in doc[kind]]
            assert roles == sorted(roles, key=order.index), (path, kind)
        # End users never delete, and insert only their own org's settings row (presets fix the org).
        assert "delete_permissions" not in doc, path
        if path.name != "public_organization_credit_settings.yaml":
            assert "insert_permissions" not in doc, path
        for permission in doc.get("insert_permissions", []):
            assert permission["permission"]["set"] == {"organization_id": "X-Hasura-Organization-Id"}


def test_project_inherited_roles_inherit_only_from_plain_roles():
    # Production's Hasura (v2.44) may drop a parent's row filters and column limits when that parent is
    # itself an inherited role (fixed in v2.45.3); the engine resolves such chains correctly, so only this
    # test keeps the metadata out of them.
    roles = inherited_roles.inherited(md.load_directory(metadata_dir()))
    assert roles, "the project's metadata uses inherited roles"
    for role, parents in roles.items():
        assert parents and not set(parents) & set(roles), (role, parents)


def test_includes_as_tag_or_string(tmp_path: Path):
    (tmp_path / "a.yaml").write_text('- !include b.yaml\n- "!include b.yaml"\n')
    (tmp_path / "b.yaml").write_text("x: 1\n")
    assert md._load_yaml(tmp_path / "a.yaml") == [{"x": 1}, {"x": 1}]


async def test_engine_reads_tables_added_after_start(client):
    # run_sql + track_table: the setup calls Hasura's own test-suite uses.
    r = await client.admin_post(
        "/v2/query",
        {
            "type": "run_sql",
            "args": {
                "sql": "create table late (id int primary key, v text); insert into late values (1, 'x');"
            },
        },
    )
    assert r.status_code == 200 and r.json() == {"result_type": "CommandOk", "result": None}
    r = await client.admin_post(
        "/v1/query",
        {
            "type": "bulk",
            "args": [
                {"type": "track_table", "args": {"schema": "public", "name": "late"}},
                {
                    "type": "create_select_permission",
                    "args": {
                        "table": "late",
                        "role": "user",
                        "permission": {"columns": ["id"], "filter": {}},
                    },
                },
                {"type": "insert", "args": {"table": "late", "objects": [{"id": 2, "v": "y"}]}},
            ],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json() == [{"message": "success"}, {"message": "success"}, {"affected_rows": 1}]
    r = await client.gql("{ late(order_by: {id: asc}) { id } }", role="user", org="acme")
    assert r == {"data": {"late": [{"id": 1}, {"id": 2}]}}
    r = await client.admin_post(
        "/v2/query", {"type": "run_sql", "args": {"sql": "select id, v from late order by id"}}
    )
    assert r.json() == {"result_type": "TuplesOk", "result": [["id", "v"], ["1", "x"], ["2", "y"]]}
    r = await client.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": "select nope from late"}})
    assert r.status_code == 400
    assert {k: r.json()[k] for k in ("error", "code")} == {
        "error": "query execution failed",
        "code": "postgres-error",
    }
    r = await client.admin_post(
        "/v1/query", {"type": "track_table", "args": {"schema": "public", "name": "late"}}
    )
    assert r.status_code == 400 and r.json()["code"] == "already-tracked"
    await asyncio.sleep(0)


async def test_metadata_api(client):
    r = await client.admin_post("/v1/metadata", {"type": "export_metadata", "version": 2, "args": {}})
    body = r.json()
    assert body["metadata"]["version"] == 3 and body["resource_version"] >= 1
    r = await client.admin_post("/v1/metadata", {"type": "get_inconsistent_metadata", "args": {}})
    assert r.json() == {"is_consistent": True, "inconsistent_objects": []}
    r = await client.admin_post("/v1/metadata", {"type": "reload_metadata", "args": {}})
    assert r.json() == {"message": "success", "is_consistent": True}
    r = await client.admin_post(
        "/v1/metadata",
        {
            "type": "set_catalog_state",
            "args": {"type": "cli", "state": {"migrations": {"default": {"1": False}}}},
        },
    )
    assert r.json() == {"message": "success"}
    r = await client.admin_post("/v1/metadata", {"type": "get_catalog_state", "args": {}})
    assert r.json()["cli_state"] == {"migrations": {"default": {"1": False}}}
    # replace_metadata v2 refuses inconsistent metadata unless allowed.
    bad = dict(body["metadata"])
    bad["sources"] = [
        dict(
            bad["sources"][0],
            tables=[*bad["sources"][0]["tables"], {"table": {"schema": "public", "name": "ghost"}}],
        )
    ]
    r = await client.admin_post(
        "/v1/metadata", {"type": "replace_metadata", "version": 2, "args": {"metadata": bad}}
    )
    assert r.status_code == 400 and r.json()["code"] == "unexpected"
    r = await client.admin_post(
        "/v1/metadata",
        {
            "type": "replace_metadata",
            "version": 2,
            "args": {"allow_inconsistent_metadata": True, "metadata": bad},
        },
    )
    assert r.json()["is_consistent"] is False
    r = await client.http.get("/healthz")
    assert r.text == "WARN: inconsistent objects in schema"
    r = await client.admin_post(
        "/v1/metadata", {"type": "replace_metadata", "version": 2, "args": {"metadata": body["metadata"]}}
    )
    assert r.status_code == 200, r.text
    assert (await client.http.get("/healthz")).text == "OK"


async def test_admin_endpoints_need_admin(client):
    r = await client.http.post(
        "/v1/metadata",
        json={"type": "export_metadata", "args": {}},
        headers={"x-hasura-admin-secret": "wrong"},
    )
    assert r.status_code == 401 and r.json()["code"] == "access-denied"
    r = await client.http.post("/v2/query", json={"type": "run_sql", "args": {"sql": "select 1"}})
    assert r.status_code == 400
    assert r.json() == {"path": "$.args", "error": "restricted access : admin only", "code": "access-denied"}


async def test_version_endpoint(client):
    r = await client.http.get("/v1/version")
    assert r.json()["server_type"] == "ce" and r.json()["version"].startswith("v2.")


async def test_services_follow_the_engine_lifecycle_and_metadata_changes(engine_db: str, tmp_path: Path):
    from gqlengine.graphql.execute import Engine

    from .conftest import start_engine

    calls: list[str] = []

    class Recorder:
        async def on_start(self, engine: Engine) -> None:
            calls.append("start")

        async def on_reload(self, engine: Engine) -> None:
            calls.append(f"reload:{len(engine.model.tables[('public', 'secret')].select)}")

        async def on_stop(self, engine: Engine) -> None:
            calls.append("stop")

    engine, http = await start_engine(engine_db, write_metadata(tmp_path))
    engine.services = [Recorder()]
    await engine.notify_services()

    async def echo(eng: Engine, args: dict) -> dict:
        return {"echo": args}

    engine.metadata_handlers["pg_create_event_trigger"] = echo
    secret = {"x-hasura-admin-secret": "engine-test-admin-secret"}
    r = await http.post(
        "/v1/metadata", json={"type": "pg_create_event_trigger", "args": {"name": "t"}}, headers=secret
    )
    assert r.json() == {"echo": {"name": "t"}}
    r = await http.post(
        "/v1/metadata",
        json={
            "type": "pg_create_select_permission",
            "args": {"table": "secret", "role": "x", "permission": {"columns": ["id"], "filter": {}}},
        },
        headers=secret,
    )
    assert r.json() == {"message": "success"}
    await http.aclose()
    await engine.close()
    assert calls == ["reload:0", "reload:1", "stop"]


async def test_setup_api_relationships_and_computed_fields(client):
    sql = """create table team (id int primary key, name text);
             create table player (id int primary key, team_id int references team(id),
                                  name text);
             insert into team values (1, 'red'); insert into player values (1, 1, 'p1'), (2, 1, 'p2');
             create function team_shout(t team) returns text language sql stable
               as $$ select upper(t.name) $$;"""
    r = await client.admin_post(
        "/v2/query", {"type": "bulk", "args": [{"type": "run_sql", "args": {"sql": sql}}]}
    )
    assert r.status_code == 200, r.text
    r = await client.admin_post(
        "/v1/query",
        {
            "type": "bulk",
            "args": [
                {"type": "track_table", "args": {"table": "team"}},
                {"type": "track_table", "args": {"table": "player"}},
                {
                    "type": "create_object_relationship",
                    "args": {
                        "table": "player",
                        "name": "team",
                        "using": {"foreign_key_constraint_on": "team_id"},
                    },
                },
                {
                    "type": "create_array_relationship",
                    "args": {
                        "table": "team",
                        "name": "players",
                        "using": {"foreign_key_constraint_on": {"table": "player", "column": "team_id"}},
                    },
                },
                {
                    "type": "add_computed_field",
                    "args": {"table": "team", "name": "shout", "definition": {"function": "team_shout"}},
                },
            ],
        },
    )
    assert r.status_code == 200, r.text
    q = "{ team { shout players(order_by: {id: asc}) { name team { name } } } }"
    r = await client.gql(q, admin=True)
    assert r == {
        "data": {
            "team": [
                {
                    "shout": "RED",
                    "players": [
                        {"name": "p1", "team": {"name": "red"}},
                        {"name": "p2", "team": {"name": "red"}},
                    ],
                }
            ]
        }
    }
    r = await client.admin_post(
        "/v1/query", {"type": "drop_relationship", "args": {"table": "team", "relationship": "players"}}
    )
    assert r.json() == {"message": "success"}
    r = await client.gql(q, admin=True)
    assert r["errors"][0]["message"] == "field 'players' not found in type: 'team'"
    r = await client.admin_post(
        "/v1/query",
        {
            "type": "create_object_relationship",
            "args": {"table": "player", "name": "bad", "using": {"foreign_key_constraint_on": "name"}},
        },
    )
    assert r.status_code == 400
    assert (
        r.json()["error"] == 'in table "player": no foreign constraint exists on the given column(s) "name"'
    )


async def test_malformed_metadata_arguments_are_400(client):
    r = await client.admin_post("/v1/metadata", {"type": "pg_create_select_permission", "args": {}})
    assert r.status_code == 400 and r.json()["code"] == "parse-failed"


def test_settings_from_hasura_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from gqlengine.graphql.execute import Settings

    monkeypatch.setenv("HASURA_GRAPHQL_PG_CONNECTIONS", "4")
    monkeypatch.setenv("HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES", "true")
    monkeypatch.setenv("HASURA_GRAPHQL_ADMIN_INTERNAL_ERRORS", "false")
    settings = Settings.from_env()
    assert settings.pool_size == 4
    assert settings.stringify_numeric is True
    assert settings.admin_internal_errors is False
    monkeypatch.delenv("HASURA_GRAPHQL_PG_CONNECTIONS")
    assert Settings.from_env().pool_size == 10


async def test_run_sql_leaves_no_session_setting_behind(client):
    # The pool does not reset connections between requests; run_sql, which can SET anything, resets its own
    # (a writing run_sql also reloads the metadata, which retires every connection; a read-only one does not).
    r = await client.admin_post(
        "/v2/query",
        {"type": "run_sql", "args": {"sql": "set default_transaction_read_only = on", "read_only": True}},
    )
    assert r.status_code == 200, r.text
    for _ in range(12):  # more requests than the pool has connections
        r = await client.gql(
            'mutation { update_author(where: {id: {_eq: 1}}, _set: {bio: "math"}) { affected_rows } }',
            admin=True,
        )
        assert r == {"data": {"update_author": {"affected_rows": 1}}}


async def test_action_metadata_api(client):
    ops = [
        {
            "type": "set_custom_types",
            "args": {"objects": [{"name": "Echoed", "fields": [{"name": "text", "type": "String!"}]}]},
        },
        {
            "type": "create_action",
            "args": {
                "name": "echo",
                "definition": {
                    "kind": "synchronous",
                    "type": "query",
                    "arguments": [{"name": "text", "type": "String!"}],
                    "output_type": "Echoed",
                    "handler": "http://127.0.0.1:9/echo",
                },
            },
        },
        {"type": "create_action_permission", "args": {"action": "echo", "role": "user"}},
    ]
    r = await client.admin_post("/v1/metadata", {"type": "bulk", "args": ops})
    assert r.status_code == 200, r.text
    exported = (await client.admin_post("/v1/metadata", {"type": "export_metadata", "args": {}})).json()
    (echo,) = [a for a in exported["actions"] if a["name"] == "echo"]
    assert echo["permissions"] == [{"role": "user"}]
    assert exported["custom_types"]["objects"][0]["name"] == "Echoed"
    r = await client.gql('{ echo(text: "hi") { text } }', role="user", org="acme")
    assert r["errors"][0]["message"] == "http exception when calling webhook"  # reached the (absent) handler

    r = await client.admin_post("/v1/metadata", ops[1])
    assert r.status_code == 400
    assert r.json()["code"] == "already-exists"
    for op in (
        {"type": "drop_action_permission", "args": {"action": "echo", "role": "user"}},
        {"type": "drop_action", "args": {"name": "echo"}},
    ):
        r = await client.admin_post("/v1/metadata", op)
        assert r.json() == {"message": "success"}, r.text
    r = await client.gql('{ echo(text: "hi") { text } }', admin=True)
    assert r["errors"][0]["message"] == "field 'echo' not found in type: 'query_root'"
    r = await client.admin_post("/v1/metadata", {"type": "drop_action", "args": {"name": "echo"}})
    assert r.json()["code"] == "not-exists"


async def test_custom_root_field_names_and_comments(client):
    r = await client.admin_post(
        "/v2/query",
        {"type": "run_sql", "args": {"sql": "create table gadget (id int primary key, label text)"}},
    )
    assert r.status_code == 200, r.text
    config = {
        "custom_root_fields": {
            "select": {"name": "gadgets", "comment": "Every gadget"},
            "insert_one": "addGadget",
            "delete_by_pk": {"name": "dropGadget", "comment": ""},
        }
    }
    r = await client.admin_post(
        "/v1/metadata", {"type": "pg_track_table", "args": {"table": "gadget", "configuration": config}}
    )
    assert r.status_code == 200, r.text
    r = await client.gql('mutation { addGadget(object: {id: 1, label: "a"}) { id } }', admin=True)
    assert r == {"data": {"addGadget": {"id": 1}}}
    r = await client.gql("{ gadgets { label } }", admin=True)
    assert r == {"data": {"gadgets": [{"label": "a"}]}}
    q = (
        "{ __schema { queryType { fields { name description } } "
        "mutationType { fields { name description } } } }"
    )
    schema = (await client.gql(q, admin=True))["data"]["__schema"]
    queries = {f["name"]: f["description"] for f in schema["queryType"]["fields"]}
    mutations = {f["name"]: f["description"] for f in schema["mutationType"]["fields"]}
    assert queries["gadgets"] == "Every gadget"
    assert mutations["addGadget"] == 'insert a single row into the table: "gadget"'
    assert mutations["dropGadget"] is None
    assert "insert_gadget" in mutations and "insert_gadget_one" not in mutations
    r = await client.admin_post("/v1/metadata", {"type": "pg_untrack_table", "args": {"table": "gadget"}})
    assert r.status_code == 200, r.text


async def test_clear_metadata_drops_tracked_functions_too(pg_url, tmp_path):
    url = await new_database(pg_url, SCHEMA)
    engine, http = await start_engine(url, write_metadata(tmp_path))
    try:
        c = Client(http)
        sql = (
            "create function all_secrets() returns setof secret language sql stable "
            "as $$ select * from secret $$"
        )
        r = await c.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": sql}})
        assert r.status_code == 200, r.text
        r = await c.admin_post(
            "/v1/metadata", {"type": "pg_track_function", "args": {"function": "all_secrets"}}
        )
        assert r.json() == {"message": "success"}, r.text
        r = await c.admin_post("/v1/metadata", {"type": "clear_metadata", "args": {}})
        assert r.json() == {"message": "success"}, r.text
        exported = (await c.admin_post("/v1/metadata", {"type": "export_metadata", "args": {}})).json()
        assert [(s["tables"], s["functions"]) for s in exported["sources"]] == [([], [])]
    finally:
        await http.aclose()
        await engine.close()
        await drop_database(url)


async def test_tracked_functions_as_root_fields(client):
    sql = """
      create function search_articles(q text) returns setof article language sql stable
        as $$ select * from article where title ilike '%' || q || '%' $$;
      create function nudge_views(a_id int, delta int default 1) returns article language sql volatile
        as $$ update article set views = views + delta where id = a_id returning * $$;
    """
    r = await client.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": sql}})
    assert r.status_code == 200, r.text
    for fn in ("search_articles", "nudge_views"):
        r = await client.admin_post("/v1/metadata", {"type": "pg_track_function", "args": {"function": fn}})
        assert r.json() == {"message": "success"}, r.text
    try:
        # A query function answers rows of its table under the role's select permission on that table.
        q = '{ search_articles(args: {q: "o"}, order_by: {id: asc}) { title } }'
        assert await client.gql(q, admin=True) == {
            "data": {"search_articles": [{"title": "Bonjour"}, {"title": "Poems"}, {"title": "Go"}]}
        }
        assert await client.gql(q, role="user", org="acme") == {
            "data": {"search_articles": [{"title": "Bonjour"}]}
        }
        q = '{ search_articles_aggregate(args: {q: ""}) { aggregate { count } } }'
        r = await client.gql(q, role="user", org="globex")
        assert r == {"data": {"search_articles_aggregate": {"aggregate": {"count": 3}}}}
        # A volatile one is a mutation; one returning a single row answers an object.
        q = "mutation($d: Int) { nudge_views(args: {a_id: 1, delta: $d}) { id views } }"
        assert await client.gql(q, {"d": 5}, admin=True) == {"data": {"nudge_views": {"id": 1, "views": 105}}}
        assert await client.gql(q, {"d": -5}, admin=True) == {
            "data": {"nudge_views": {"id": 1, "views": 100}}
        }
        r = await client.gql("{ search_articles { id } }", admin=True)
        assert r["errors"][0]["extensions"]["code"] == "validation-failed"  # args are required here
        # HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS=false: only roles given a function permission.
        model = client.http._transport.app.state.engine.model
        assert "search_articles" in build_role_schema(model, "user").query_fields
        assert "search_articles" not in build_role_schema(model, "user", infer_functions=False).query_fields
    finally:
        for fn in ("search_articles", "nudge_views"):
            r = await client.admin_post(
                "/v1/metadata", {"type": "pg_untrack_function", "args": {"function": fn}}
            )
            assert r.json() == {"message": "success"}, r.text
    r = await client.gql('{ search_articles(args: {q: "o"}) { id } }', admin=True)
    assert r["errors"][0]["message"] == "field 'search_articles' not found in type: 'query_root'"


async def test_enum_tables(client):
    sql = """
      create table paint (value text primary key, comment text);
      insert into paint values ('red', 'warm'), ('blue', 'cool');
      create table bike (id int primary key, paint text references paint(value));
      insert into bike values (1, 'red'), (2, 'blue');
    """
    r = await client.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": sql}})
    assert r.status_code == 200, r.text
    for args in ({"table": "paint", "is_enum": True}, {"table": "bike"}):
        r = await client.admin_post("/v1/metadata", {"type": "pg_track_table", "args": args})
        assert r.json() == {"message": "success"}, r.text
    try:
        r = await client.gql("{ bike(where: {paint: {_eq: red}}) { id paint } }", admin=True)
        assert r == {"data": {"bike": [{"id": 1, "paint": "red"}]}}
        r = await client.gql(
            '{ __type(name: "paint_enum") { kind enumValues { name description } } }', admin=True
        )
        assert r["data"]["__type"] == {
            "kind": "ENUM",
            "enumValues": [{"name": "blue", "description": "cool"}, {"name": "red", "description": "warm"}],
        }
        r = await client.gql('{ bike(where: {paint: {_eq: "red"}}) { id } }', admin=True)
        assert r["errors"][0]["message"] == "expected an enum value for type 'paint_enum', but found a string"
        r = await client.gql("{ bike(where: {paint: {_eq: green}}) { id } }", admin=True)
        assert r["errors"][0] == {
            "message": "expected one of the values ['blue', 'red'] for type 'paint_enum', but found 'green'",
            "extensions": {"path": "$.selectionSet.bike.args.where.paint._eq", "code": "validation-failed"},
        }
        q = "query($p: paint_enum) { bike(where: {paint: {_eq: $p}}) { id } }"
        r = await client.gql(q, {"p": "green"}, admin=True)
        assert r["errors"][0] == {
            "message": "expected one of the values ['blue', 'red'] for type 'paint_enum', but found 'green'",
            "extensions": {"path": "$.selectionSet.bike.args.where.paint._eq", "code": "validation-failed"},
        }
        r = await client.gql(
            "mutation { insert_bike_one(object: {id: 3, paint: blue}) { paint } }", admin=True
        )
        assert r == {"data": {"insert_bike_one": {"paint": "blue"}}}
    finally:
        for table in ("bike", "paint"):
            await client.admin_post("/v1/metadata", {"type": "pg_untrack_table", "args": {"table": table}})


async def test_tracked_function_with_a_session_argument(client):
    sql = """
      create function my_org_authors(hasura_session json) returns setof author language sql stable
        as $$ select * from author where org = hasura_session->>'x-hasura-org' $$;
    """
    r = await client.admin_post("/v2/query", {"type": "run_sql", "args": {"sql": sql}})
    assert r.status_code == 200, r.text
    track = {"function": "my_org_authors", "configuration": {"session_argument": "hasura_session"}}
    r = await client.admin_post("/v1/metadata", {"type": "pg_track_function", "args": track})
    assert r.json() == {"message": "success"}, r.text
    try:
        # The session argument is the engine's to fill: not an argument the client may give.
        r = await client.gql("{ my_org_authors(order_by: {id: asc}) { name } }", role="user", org="globex")
        assert r == {"data": {"my_org_authors": [{"name": "Cyd"}, {"name": "Dee"}]}}
        r = await client.gql(
            '{ my_org_authors(args: {hasura_session: "{}"}) { name } }', role="user", org="acme"
        )
        assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    finally:
        await client.admin_post(
            "/v1/metadata", {"type": "pg_untrack_function", "args": {"function": "my_org_authors"}}
        )
