"""run_sql keeps the metadata true to the database, `bulk` is all-or-nothing, and wide rows keep the
selection's key order: Hasura's behaviour, which its test suite relies on when it runs straight through."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Client


async def call(client: Client, path: str, body: Any) -> httpx.Response:
    return await client.admin_post(path, body)


async def sql(client: Client, text: str, **extra: Any) -> httpx.Response:
    return await call(client, "/v2/query", {"type": "run_sql", "args": {"sql": text, **extra}})


async def meta(client: Client, op: str, args: Any) -> dict[str, Any]:
    r = await call(client, "/v1/metadata", {"type": op, "args": args})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def tables(client: Client) -> dict[str, Any]:
    doc = await meta(client, "export_metadata", {})
    return {t["table"]["name"]: t for t in doc["sources"][0]["tables"]}


async def exists(client: Client, name: str) -> bool:
    r = await sql(client, f"select to_regclass('public.{name}') is not null", read_only=True)
    return r.json()["result"][1][0] == "t"


async def setup_pair(client: Client, prefix: str) -> None:
    """`<prefix>_owner` and `<prefix>_pet` (pet.owner_id → owner.id), tracked, with relationships both ways
    and a permission on each that uses the other's columns or relationship."""
    owner, pet = f"{prefix}_owner", f"{prefix}_pet"
    r = await sql(
        client,
        f"create table {owner} (id int primary key, name text, nick text);"
        f"create table {pet} (id int primary key, owner_id int references {owner}(id), kind text);"
        f"insert into {owner} values (1, 'ann', 'a'); insert into {pet} values (1, 1, 'cat');",
    )
    assert r.status_code == 200, r.text
    for t in (owner, pet):
        await meta(client, "pg_track_table", {"table": t})
    await meta(
        client,
        "pg_create_object_relationship",
        {"table": pet, "name": "owner", "using": {"foreign_key_constraint_on": "owner_id"}},
    )
    fk = {"table": pet, "column": "owner_id"}
    await meta(
        client,
        "pg_create_array_relationship",
        {"table": owner, "name": "pets", "using": {"foreign_key_constraint_on": fk}},
    )
    await meta(
        client,
        "pg_create_select_permission",
        {
            "table": owner,
            "role": "user",
            "permission": {"columns": ["id", "name", "nick"], "filter": {"nick": {"_eq": "a"}}},
        },
    )
    await meta(
        client,
        "pg_create_select_permission",
        {
            "table": pet,
            "role": "user",
            "permission": {"columns": ["id", "kind"], "filter": {"owner": {"name": {"_eq": "ann"}}}},
        },
    )


async def test_dropping_a_tracked_table_takes_it_out_of_metadata(client: Client) -> None:
    assert (await sql(client, "create table solo (id int primary key)")).status_code == 200
    await meta(client, "pg_track_table", {"table": "solo"})
    assert (await sql(client, "drop table solo")).status_code == 200
    assert "solo" not in await tables(client)
    # ... so the same setup can run again, as Hasura's suites do one after another.
    assert (await sql(client, "create table solo (id int primary key)")).status_code == 200
    await meta(client, "pg_track_table", {"table": "solo"})
    assert (await sql(client, "drop table solo")).status_code == 200


async def test_a_dependent_relationship_needs_cascade(client: Client) -> None:
    await setup_pair(client, "d1")
    before = await tables(client)
    r = await sql(client, "drop table d1_pet")
    assert (r.status_code, r.json()) == (
        400,
        {
            "path": "$",
            "error": "cannot drop due to the following dependent objects: "
            'relationship d1_owner.pets in source "default"',
            "code": "dependency-error",
        },
    )
    assert await exists(client, "d1_pet") and await tables(client) == before  # nothing happened
    r = await sql(client, "drop table d1_pet", cascade=True)
    assert r.status_code == 200, r.text
    after = await tables(client)
    assert "d1_pet" not in after and "array_relationships" not in after["d1_owner"]
    out = await client.gql("{ d1_owner { name } }", role="user")
    assert out == {"data": {"d1_owner": [{"name": "ann"}]}}


async def test_a_dropped_column_takes_its_dependents_only_with_cascade(client: Client) -> None:
    await setup_pair(client, "d2")
    r = await sql(client, "alter table d2_owner drop column nick")
    assert r.status_code == 400
    assert r.json()["error"] == (
        "cannot drop due to the following dependent objects: "
        'permission d2_owner.user.select in source "default"'
    )
    assert (await sql(client, "select nick from d2_owner", read_only=True)).status_code == 200
    r = await sql(client, "alter table d2_owner drop column nick", cascade=True)
    assert r.status_code == 200, r.text
    assert "select_permissions" not in (await tables(client))["d2_owner"]
    out = await client.gql("{ d2_owner { name } }", role="user")
    assert out["errors"][0]["message"] == "field 'd2_owner' not found in type: 'query_root'"


async def test_renames_are_carried_into_metadata(client: Client) -> None:
    await setup_pair(client, "d3")
    r = await sql(
        client, "alter table d3_owner rename column name to full_name; alter table d3_pet rename to d3_animal"
    )
    assert r.status_code == 200, r.text
    after = await tables(client)
    assert "d3_pet" not in after and "d3_animal" in after
    assert after["d3_owner"]["select_permissions"][0]["permission"]["columns"] == ["id", "full_name", "nick"]
    assert after["d3_owner"]["array_relationships"][0]["using"]["foreign_key_constraint_on"]["table"] == {
        "schema": "public",
        "name": "d3_animal",
    }
    out = await client.gql("{ d3_owner { full_name pets { kind owner { full_name } } } }", admin=True)
    assert out == {
        "data": {"d3_owner": [{"full_name": "ann", "pets": [{"kind": "cat", "owner": {"full_name": "ann"}}]}]}
    }


async def test_a_dropped_tracked_function_leaves_metadata(client: Client) -> None:
    r = await sql(
        client,
        "create function d4_names() returns setof author language sql stable as $$ select * from author $$",
    )
    assert r.status_code == 200
    await meta(client, "pg_track_function", {"function": "d4_names"})
    assert (await sql(client, "drop function d4_names()")).status_code == 200
    functions = (await meta(client, "export_metadata", {}))["sources"][0].get("functions") or []
    assert all(f["function"]["name"] != "d4_names" for f in functions)


async def test_bulk_is_all_or_nothing(client: Client) -> None:
    for path in ("/v1/query", "/v2/query", "/v1/metadata"):
        steps: list[dict[str, Any]] = [
            {"type": "run_sql", "args": {"sql": "create table d5_half (id int primary key)"}},
            {"type": "run_sql", "args": {"sql": "insert into d5_half values (1)"}},
        ]
        if path != "/v2/query":
            steps.append({"type": "track_table", "args": {"table": "d5_half"}})
        steps.append({"type": "run_sql", "args": {"sql": "select * from no_such_table"}})
        r = await call(client, path, {"type": "bulk", "args": steps})
        assert (r.status_code, r.json()["code"]) == (400, "postgres-error")
        assert not await exists(client, "d5_half")
        assert "d5_half" not in await tables(client)
    r = await call(client, "/v1/query", {"type": "bulk", "args": steps[:3]})
    assert r.status_code == 200 and await exists(client, "d5_half") and "d5_half" in await tables(client)
    assert (await client.gql("{ d5_half { id } }", admin=True)) == {"data": {"d5_half": [{"id": 1}]}}


async def test_rows_wider_than_fifty_fields_keep_the_selection_order(client: Client) -> None:
    columns = [f"c{i:02d}" for i in range(1, 61)]
    create = f"create table d6_wide ({', '.join(f'{c} int' for c in columns)})"
    insert = f"insert into d6_wide values ({', '.join(str(i) for i in range(1, 61))})"
    assert (await sql(client, f"{create}; {insert}")).status_code == 200
    await meta(client, "pg_track_table", {"table": "d6_wide"})
    order = columns[::-1][:30] + columns[:30]  # c60 … c31, c01 … c30: neither sorted nor the table's order
    r = await client.http.post(
        "/v1/graphql",
        json={"query": f"{{ d6_wide {{ {' '.join(order)} }} }}"},
        headers={"x-hasura-admin-secret": "engine-test-admin-secret"},
    )
    row = r.json()["data"]["d6_wide"][0]
    assert list(row) == order and row["c60"] == 60 and row["c01"] == 1
