"""Mutation features on a schema of this module's own: upserts, jsonb operators, update_many, by-pk forms,
backend_only permissions, returning with relationships and computed fields, error codes and paths."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.engine.conftest import Client, drop_database, new_database, start_engine, write_metadata

SCHEMA = """
create table shelf (id serial primary key, label text not null unique, owner text not null);
create table item (
  id serial primary key, sku text not null unique, name text not null, qty int not null default 0,
  data jsonb, owner text not null, locked boolean not null default false, source text,
  shelf_id int references shelf(id));
create function item_label(i item) returns text language sql stable as $$ select i.sku || ':' || i.name $$;
insert into shelf (label, owner) values ('top', 'u1'), ('low', 'u2');
insert into item (sku, name, qty, data, owner, locked, shelf_id) values
  ('A', 'apple', 5, '{"tags": ["red"], "meta": {"k": 1, "z": 2}}', 'u1', false, 1),
  ('B', 'banana', 7, '[1, 2, 3]', 'u1', true, 1),
  ('C', 'cherry', 9, null, 'u2', false, 2);
"""

TABLES = {
    "public_shelf.yaml": """
        table: {name: shelf, schema: public}
        array_relationships:
          - name: items
            using: {foreign_key_constraint_on: {table: {name: item, schema: public}, column: shelf_id}}
        select_permissions:
          - role: user
            permission: {columns: [id, label], filter: {owner: {_eq: X-Hasura-User-Id}}}
    """,
    "public_item.yaml": """
        table: {name: item, schema: public}
        object_relationships:
          - name: shelf
            using: {foreign_key_constraint_on: shelf_id}
        computed_fields:
          - name: label
            definition: {function: {name: item_label, schema: public}}
        select_permissions:
          - role: user
            permission:
              columns: [id, sku, name, qty, data, owner, locked, source, shelf_id]
              computed_fields: [label]
              filter: {owner: {_eq: X-Hasura-User-Id}}
          - role: svc
            permission: {columns: [id, sku], filter: {}}
        insert_permissions:
          - role: user
            permission:
              columns: [sku, name, qty, data, shelf_id]
              set: {owner: X-Hasura-User-Id, source: app}
              check: {qty: {_lte: 100}}
          - role: svc
            permission:
              columns: [sku, name, owner]
              check: {}
              backend_only: true
        update_permissions:
          - role: user
            permission:
              columns: [name, qty, data]
              filter: {owner: {_eq: X-Hasura-User-Id}, locked: {_eq: false}}
              check: {qty: {_gte: 0}}
              set: {source: edited}
        delete_permissions:
          - role: user
            permission: {filter: {owner: {_eq: X-Hasura-User-Id}, locked: {_eq: false}}}
          - role: svc
            permission: {filter: {}, backend_only: true}
    """,
}


@pytest.fixture(scope="module")
async def client(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    url = await new_database(pg_url, SCHEMA)
    engine, http = await start_engine(url, write_metadata(tmp_path_factory.mktemp("mutmd"), TABLES))
    yield Client(http)
    await http.aclose()
    await engine.close()
    await drop_database(url)


async def user(client: Client, query: str, variables: dict[str, Any] | None = None, uid: str = "u1") -> Any:
    return await client.gql(query, variables, role="user", user_id=uid)


def error(r: dict[str, Any]) -> tuple[str, str, str]:
    [e] = r["errors"]
    return e["extensions"]["code"], e["extensions"]["path"], e["message"]


# ---------------------------------------------------------------- insert


async def test_insert_one_applies_session_and_literal_presets_and_returns_relationships(
    client: Client,
) -> None:
    r = await user(
        client,
        'mutation { insert_item_one(object: {sku: "D", name: "date", shelf_id: 1}) '
        "{ sku owner source qty label shelf { label } } }",
    )
    assert r == {
        "data": {
            "insert_item_one": {
                "sku": "D",
                "owner": "u1",
                "source": "app",
                "qty": 0,
                "label": "D:date",
                "shelf": {"label": "top"},
            }
        }
    }


async def test_returning_follows_the_select_permission_of_related_rows(client: Client) -> None:
    r = await user(
        client,
        'mutation { insert_item(objects: [{sku: "E", name: "elder", shelf_id: 2}]) '
        "{ affected_rows returning { sku shelf { label } } } }",
    )
    # shelf 2 belongs to u2: the relationship is filtered out by the shelf select permission
    assert r == {"data": {"insert_item": {"affected_rows": 1, "returning": [{"sku": "E", "shelf": None}]}}}


async def test_on_conflict_do_nothing_counts_no_rows(client: Client) -> None:
    r = await user(
        client,
        'mutation { insert_item(objects: [{sku: "A", name: "other"}], '
        "on_conflict: {constraint: item_sku_key, update_columns: []}) { affected_rows returning { id } } }",
    )
    assert r == {"data": {"insert_item": {"affected_rows": 0, "returning": []}}}


async def test_upsert_updates_only_the_listed_columns_and_applies_update_presets(client: Client) -> None:
    r = await user(
        client,
        'mutation { insert_item_one(object: {sku: "A", name: "apricot", qty: 50}, '
        "on_conflict: {constraint: item_sku_key, update_columns: [name]}) { sku name qty source } }",
    )
    assert r == {"data": {"insert_item_one": {"sku": "A", "name": "apricot", "qty": 5, "source": "edited"}}}


async def test_upsert_where_and_update_filter_leave_rows_alone(client: Client) -> None:
    q = """mutation($sku: String!, $where: item_bool_exp) {
      insert_item(objects: [{sku: $sku, name: "zzz"}],
                  on_conflict: {constraint: item_sku_key, update_columns: [name], where: $where}) {
        affected_rows } }"""
    # the on_conflict where does not match
    r = await user(client, q, {"sku": "A", "where": {"qty": {"_gt": 1000}}})
    assert r == {"data": {"insert_item": {"affected_rows": 0}}}
    # B is locked: the update permission's filter refuses it
    assert await user(client, q, {"sku": "B"}) == {"data": {"insert_item": {"affected_rows": 0}}}
    names = await client.gql(
        '{ item(where: {sku: {_in: ["A", "B"]}}, order_by: {sku: asc}) { name } }', admin=True
    )
    assert [i["name"] for i in names["data"]["item"]] == ["apricot", "banana"]


async def test_upsert_checks_the_update_permission_on_updated_rows(client: Client) -> None:
    r = await client.gql(
        'mutation { update_item(where: {sku: {_eq: "C"}}, _set: {qty: -1}) { affected_rows } }', admin=True
    )
    assert r == {"data": {"update_item": {"affected_rows": 1}}}
    r = await user(
        client,
        'mutation { insert_item(objects: [{sku: "C", name: "cherry2"}], '
        "on_conflict: {constraint: item_sku_key, update_columns: [name]}) { affected_rows } }",
        uid="u2",
    )
    assert error(r) == (
        "permission-error",
        "$.selectionSet.insert_item.args.objects",
        "check constraint of an insert/update permission has failed",
    )


async def test_on_conflict_needs_an_update_permission(client: Client) -> None:
    r = await client.gql(
        'mutation { insert_item(objects: [{sku: "S"}], on_conflict: {constraint: item_sku_key}) '
        "{ affected_rows } }",
        admin=True,
        headers={"x-hasura-role": "svc", "x-hasura-use-backend-only-permissions": "true"},
    )
    assert error(r)[0] == "validation-failed"
    assert "on_conflict" in error(r)[2]


# ---------------------------------------------------------------- update


async def test_jsonb_operators(client: Client) -> None:
    q = """mutation($ops: item_set_input, $app: item_append_input, $pre: item_prepend_input,
                    $key: item_delete_key_input, $elem: item_delete_elem_input,
                    $path: item_delete_at_path_input, $sku: String!) {
      update_item(where: {sku: {_eq: $sku}}, _set: $ops, _append: $app, _prepend: $pre, _delete_key: $key,
                  _delete_elem: $elem, _delete_at_path: $path) { returning { data } } }"""

    async def run(sku: str, **ops: Any) -> Any:
        r = await client.gql(q, {"sku": sku, **ops}, admin=True)
        return r["data"]["update_item"]["returning"][0]["data"]

    assert await run("C", ops={"data": {"a": 1}}) == {"a": 1}
    assert await run("C", app={"data": {"b": 2}}) == {"a": 1, "b": 2}
    assert await run("C", key={"data": "a"}) == {"b": 2}
    assert await run("C", pre={"data": {"c": 3}}) == {"b": 2, "c": 3}
    assert await run("B", app={"data": [4]}) == [1, 2, 3, 4]
    assert await run("B", pre={"data": [0]}) == [0, 1, 2, 3, 4]
    assert await run("B", elem={"data": -1}) == [0, 1, 2, 3]
    assert await run("A", path={"data": ["meta", "k"]}) == {"tags": ["red"], "meta": {"z": 2}}
    assert await run("A", path={"data": "tags"}) == {"meta": {"z": 2}}


async def test_jsonb_operators_as_a_role_and_literals(client: Client) -> None:
    r = await user(
        client,
        "mutation { update_item_by_pk(pk_columns: {id: 1}, _append: {data: {n: 1}}, _inc: {qty: 2}) "
        "{ data qty source } }",
    )
    assert r == {
        "data": {"update_item_by_pk": {"data": {"meta": {"z": 2}, "n": 1}, "qty": 7, "source": "edited"}}
    }


async def test_update_needs_an_operator(client: Client) -> None:
    r = await client.gql("mutation { update_item(where: {}) { affected_rows } }", admin=True)
    assert error(r)[0] == "validation-failed"
    assert error(r)[2].startswith("at least any one of _set, _inc, _append")


async def test_update_by_pk_outside_the_filter_is_null(client: Client) -> None:
    r = await user(client, 'mutation { update_item_by_pk(pk_columns: {id: 2}, _set: {name: "x"}) { id } }')
    assert r == {"data": {"update_item_by_pk": None}}  # B is locked
    r = await user(client, 'mutation { update_item_by_pk(pk_columns: {id: 3}, _set: {name: "x"}) { id } }')
    assert r == {"data": {"update_item_by_pk": None}}  # C belongs to u2


async def test_update_many_runs_in_order_in_one_transaction(client: Client) -> None:
    q = """mutation($updates: [item_updates!]!) {
      update_item_many(updates: $updates) { affected_rows returning { sku qty } } }"""
    r = await user(
        client,
        q,
        {
            "updates": [
                {"where": {"sku": {"_eq": "A"}}, "_set": {"qty": 10}},
                {"where": {"qty": {"_eq": 10}}, "_inc": {"qty": 1}},  # sees the first entry's change
                {"where": {"sku": {"_eq": "nothing"}}, "_set": {"qty": 1}},
            ]
        },
    )
    assert r == {
        "data": {
            "update_item_many": [
                {"affected_rows": 1, "returning": [{"sku": "A", "qty": 10}]},
                {"affected_rows": 1, "returning": [{"sku": "A", "qty": 11}]},
                {"affected_rows": 0, "returning": []},
            ]
        }
    }
    r = await user(
        client,
        q,
        {
            "updates": [
                {"where": {"sku": {"_eq": "A"}}, "_set": {"qty": 20}},
                {"where": {"sku": {"_eq": "A"}}, "_set": {"qty": -5}},  # fails the update check
            ]
        },
    )
    assert error(r)[0] == "permission-error"
    after = await client.gql('{ item(where: {sku: {_eq: "A"}}) { qty } }', admin=True)
    assert after == {"data": {"item": [{"qty": 11}]}}  # the first entry was rolled back too


# ---------------------------------------------------------------- delete, backend_only, errors


async def test_delete_filter_and_by_pk(client: Client) -> None:
    r = await user(client, 'mutation { delete_item(where: {sku: {_in: ["B", "C"]}}) { affected_rows } }')
    assert r == {"data": {"delete_item": {"affected_rows": 0}}}  # B locked, C not u1's
    r = await user(client, "mutation { delete_item_by_pk(id: 4) { sku } }")
    assert r == {"data": {"delete_item_by_pk": {"sku": "D"}}}
    r = await user(client, "mutation { delete_item_by_pk(id: 4) { sku } }")
    assert r == {"data": {"delete_item_by_pk": None}}


async def test_backend_only_permissions_need_the_admin_secret_and_the_header(client: Client) -> None:
    insert = 'mutation { insert_item(objects: [{sku: "S1", name: "s", owner: "svc"}]) { affected_rows } }'
    as_role = {"x-hasura-role": "svc"}
    r = await client.gql(insert, role="svc")
    assert error(r)[0] == "validation-failed"
    r = await client.gql(insert, admin=True, headers=as_role)
    assert error(r)[0] == "validation-failed"
    backend = {**as_role, "x-hasura-use-backend-only-permissions": "true"}
    r = await client.gql(insert, admin=True, headers=backend)
    assert r == {"data": {"insert_item": {"affected_rows": 1}}}
    r = await client.gql(
        'mutation { delete_item(where: {sku: {_eq: "S1"}}) { affected_rows } }', admin=True, headers=backend
    )
    assert r == {"data": {"delete_item": {"affected_rows": 1}}}
    # the plan cache must not hand the backend schema to a plain request
    r = await client.gql(insert, admin=True, headers=as_role)
    assert error(r)[0] == "validation-failed"


async def test_database_errors_map_to_hasura_codes_and_paths(client: Client) -> None:
    r = await client.gql(
        'mutation { insert_item(objects: [{sku: "A", name: "dup", owner: "x"}]) { affected_rows } }',
        admin=True,
    )
    code, path, message = error(r)
    assert (code, path) == ("constraint-violation", "$.selectionSet.insert_item.args.objects")
    assert message == 'Uniqueness violation. duplicate key value violates unique constraint "item_sku_key"'
    r = await client.gql('mutation { insert_item_one(object: {sku: "N", owner: "x"}) { id } }', admin=True)
    assert error(r)[0] == "constraint-violation"
    assert error(r)[2].startswith("Not-NULL violation.")
    r = await client.gql("mutation { delete_shelf(where: {}) { affected_rows } }", admin=True)
    assert error(r)[:2] == ("constraint-violation", "$")
    assert error(r)[2].startswith("Foreign key violation.")
    r = await client.gql(
        'mutation { update_item(where: {sku: {_eq: "A"}}, _inc: {qty: 2147483647}) { affected_rows } }',
        admin=True,
    )
    assert error(r)[:2] == ("data-exception", "$")
    assert error(r)[2] == "integer out of range"


async def test_one_failing_root_field_rolls_back_the_others(client: Client) -> None:
    r = await user(
        client,
        'mutation { a: update_item(where: {sku: {_eq: "A"}}, _set: {name: "changed"}) { affected_rows } '
        'b: insert_item_one(object: {sku: "T", name: "t", qty: 101}) { id } }',
    )
    assert error(r)[0] == "permission-error"
    after = await client.gql('{ item(where: {sku: {_in: ["A", "T"]}}) { sku name } }', admin=True)
    assert after == {"data": {"item": [{"sku": "A", "name": "apricot"}]}}


# ---------------------------------------------------------------- Hasura rules found by its own tests

NOTES_SCHEMA = """
create table note (id serial primary key, body text not null, author text not null, edited_by text);
create view note_view as select id, body, author from note;
create view note_count as select count(*) as n from note;
insert into note (body, author) values ('mine', 'u1'), ('theirs', 'u2');
create table code (c char(4) primary key, flags bit(3));
create function note_shout(word text, n note, times int default 1) returns text language sql stable
  as $$ select repeat(upper(word), times) || ':' || n.body $$;
create function note_by_author(n note, who text) returns setof note language sql stable
  as $$ select * from note where author = who and id <> n.id order by id $$;
"""

NOTES_TABLES = {
    "public_note.yaml": """
        table: {name: note, schema: public}
        computed_fields:
          - name: shout
            definition: {function: {name: note_shout, schema: public}, table_argument: n}
          - name: others_by
            definition: {function: {name: note_by_author, schema: public}, table_argument: n}
        select_permissions:
          - role: user
            permission: {columns: [id, body, author, edited_by], filter: {author: {_eq: X-Hasura-User-Id}}}
          - role: restricted
            permission: {columns: [id], filter: {}}
          - role: reader
            permission: {columns: [id], filter: {}}
        insert_permissions:
          - role: user
            permission: {check: {author: {_eq: X-Hasura-User-Id}}}
          - role: restricted
            permission: {check: {}, columns: [body, author]}
        update_permissions:
          - role: user
            permission: {columns: [body], filter: {}, set: {edited_by: X-Hasura-User-Id}}
          - role: restricted
            permission: {columns: [], filter: {}}
    """,
    "public_note_view.yaml": """
        table: {name: note_view, schema: public}
        select_permissions:
          - role: user
            permission: {columns: [id, body, author], filter: {}}
        insert_permissions:
          - role: user
            permission: {check: {}, columns: [body, author]}
    """,
    "public_code.yaml": """
        table: {name: code, schema: public}
    """,
    "public_note_count.yaml": """
        table: {name: note_count, schema: public}
        select_permissions:
          - role: user
            permission: {columns: [n], filter: {}}
        insert_permissions:
          - role: user
            permission: {check: {}, columns: [n]}
    """,
}


@pytest.fixture(scope="module")
async def notes(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    url = await new_database(pg_url, NOTES_SCHEMA)
    engine, http = await start_engine(url, write_metadata(tmp_path_factory.mktemp("notesmd"), NOTES_TABLES))
    yield Client(http)
    await http.aclose()
    await engine.close()
    await drop_database(url)


async def test_an_insert_permission_without_columns_allows_every_column(notes: Client) -> None:
    r = await user(notes, 'mutation { insert_note_one(object: {body: "new", author: "u1"}) { body author } }')
    assert r == {"data": {"insert_note_one": {"body": "new", "author": "u1"}}}


async def test_returning_shows_the_modified_rows_even_outside_the_select_filter(notes: Client) -> None:
    # u1 may update every note but only select its own: the note it changed still comes back (Hasura)
    r = await user(
        notes,
        'mutation { update_note(where: {body: {_eq: "theirs"}}, _set: {body: "edited"}) '
        "{ affected_rows returning { body author edited_by } } }",
    )
    assert r == {
        "data": {
            "update_note": {
                "affected_rows": 1,
                "returning": [{"body": "edited", "author": "u2", "edited_by": "u1"}],
            }
        }
    }


async def test_an_update_with_only_presets_runs(notes: Client) -> None:
    r = await user(notes, "mutation { update_note(where: {id: {_eq: 1}}) { affected_rows } }", uid="u3")
    assert r == {"data": {"update_note": {"affected_rows": 1}}}
    after = await notes.gql("{ note_by_pk(id: 1) { edited_by } }", admin=True)
    assert after == {"data": {"note_by_pk": {"edited_by": "u3"}}}


async def test_an_upsert_naming_no_updatable_column_is_refused(notes: Client) -> None:
    r = await notes.gql(
        'mutation { insert_note(objects: [{body: "x", author: "r"}], '
        "on_conflict: {constraint: note_pkey, update_columns: [_PLACEHOLDER]}) { affected_rows } }",
        role="restricted",
    )
    assert error(r) == (
        "validation-failed",
        "$.selectionSet.insert_note.args.on_conflict",
        "erroneous column name",
    )


async def test_a_role_without_mutations_is_told_so(notes: Client) -> None:
    r = await notes.gql("mutation { insert_note(objects: []) { affected_rows } }", role="reader")
    assert error(r) == ("validation-failed", "$", "no mutations exist")


async def test_views_take_the_mutations_postgres_can_run(notes: Client) -> None:
    r = await user(
        notes,
        'mutation { insert_note_view(objects: [{body: "via view", author: "u1"}]) '
        "{ affected_rows returning { body } } }",
    )
    assert r == {"data": {"insert_note_view": {"affected_rows": 1, "returning": [{"body": "via view"}]}}}
    r = await user(notes, "mutation { insert_note_count(objects: [{n: 1}]) { affected_rows } }")
    assert error(r)[2] == "field 'insert_note_count' not found in type: 'mutation_root'"


async def test_internal_error_details_can_be_turned_off_for_admin(
    pg_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import httpx

    from gqlengine.graphql.execute import Settings
    from gqlengine.server.app import create_app
    from tests.engine.conftest import auth_config

    url = await new_database(pg_url, NOTES_SCHEMA)
    meta = write_metadata(tmp_path_factory.mktemp("internal"), NOTES_TABLES)
    # A constraint violation is the client's doing and never carries details; a database error (here
    # PostgreSQL refusing a 2 GB string, a limit of the database) does, for admin, unless turned off.
    dup = 'mutation { insert_note(objects: [{id: 1, body: "dup", author: "a"}]) { affected_rows } }'
    huge = '{ note(limit: 1) { shout(args: {word: "x", times: 2000000000}) } }'
    try:
        for flag in (True, False):
            settings = Settings(
                metadata_dir=meta, database_url=url, auth=auth_config(), admin_internal_errors=flag
            )
            app = create_app(settings)
            await app.state.engine.start()
            try:
                http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://engine")
                r = await Client(http).gql(huge, admin=True)
                constraint = await Client(http).gql(dup, admin=True)
                await http.aclose()
            finally:
                await app.state.engine.close()
            assert r["errors"][0]["extensions"]["code"] == "validation-failed"
            assert ("internal" in r["errors"][0]["extensions"]) is flag
            assert constraint["errors"][0]["extensions"] == {
                "path": "$.selectionSet.insert_note.args.objects",
                "code": "constraint-violation",
            }
    finally:
        await drop_database(url)


async def test_legacy_insert_gives_left_out_keys_their_defaults(notes: Client) -> None:
    body = {
        "type": "insert",
        "args": {
            "table": "note",
            "objects": [{"id": 100, "body": "a", "author": "x"}, {"body": "b", "author": "y"}],
        },
    }
    r = await notes.admin_post("/v1/query", body)
    assert (r.status_code, r.json()) == (200, {"affected_rows": 2})
    rows = await notes.gql(
        '{ note(where: {author: {_in: ["x", "y"]}}, order_by: {author: asc}) { id } }', admin=True
    )
    ids = [n["id"] for n in rows["data"]["note"]]
    assert ids[0] == 100 and ids[1] < 100  # the second row took the serial default, not null


# ---------------------------------------------------------------- nested inserts (the first schema)


async def test_nested_insert_through_an_array_relationship(client: Client) -> None:
    r = await client.gql(
        'mutation { insert_shelf_one(object: {label: "mid", owner: "u1", items: {data: ['
        '{sku: "N1", name: "n1", owner: "u1"}, {sku: "N2", name: "n2", owner: "u1"}]}}) '
        "{ label items(order_by: {sku: asc}) { sku shelf_id } id } }",
        admin=True,
    )
    shelf = r["data"]["insert_shelf_one"]
    assert shelf["label"] == "mid"
    assert shelf["items"] == [{"sku": "N1", "shelf_id": shelf["id"]}, {"sku": "N2", "shelf_id": shelf["id"]}]


async def test_nested_insert_through_an_object_relationship_counts_every_row(client: Client) -> None:
    r = await client.gql(
        'mutation { insert_item(objects: [{sku: "N3", name: "n3", owner: "u1", '
        'shelf: {data: {label: "new shelf", owner: "u1"}}}]) '
        "{ affected_rows returning { sku shelf { label } } } }",
        admin=True,
    )
    assert r == {
        "data": {
            "insert_item": {"affected_rows": 2, "returning": [{"sku": "N3", "shelf": {"label": "new shelf"}}]}
        }
    }


async def test_nested_rows_answer_to_their_own_permissions_and_roll_back_together(client: Client) -> None:
    # shelf has no insert permission for user: the relationship is not in user's insert input
    r = await user(
        client,
        'mutation { insert_item(objects: [{sku: "N4", name: "x", shelf: {data: {label: "s"}}}]) '
        "{ affected_rows } }",
    )
    assert error(r)[2] == "field 'shelf' not found in type: 'item_insert_input'"
    # a failing child rolls the parent back
    r = await client.gql(
        'mutation { insert_shelf_one(object: {label: "doomed", owner: "u1", items: {data: ['
        '{sku: "A", name: "dup", owner: "u1"}]}}) { id } }',
        admin=True,
    )
    assert error(r)[0] == "constraint-violation"
    left = await client.gql('{ shelf(where: {label: {_eq: "doomed"}}) { id } }', admin=True)
    assert left == {"data": {"shelf": []}}


async def test_a_nested_row_may_not_set_what_its_parent_determines(client: Client) -> None:
    r = await client.gql(
        'mutation { insert_shelf(objects: [{label: "x", owner: "u1", items: {data: '
        '[{sku: "N5", name: "n", owner: "u1", shelf_id: 1}]}}]) { affected_rows } }',
        admin=True,
    )
    assert error(r) == (
        "validation-failed",
        "$.selectionSet.insert_shelf.args.objects[0].items.data[0]",
        'cannot insert "shelf_id" columns as their values are already being determined by parent insert',
    )
    r = await client.gql(
        'mutation { insert_item_one(object: {sku: "N6", name: "n", owner: "u1", shelf_id: 1, '
        'shelf: {data: {label: "y", owner: "u1"}}}) { id } }',
        admin=True,
    )
    assert error(r)[:2] == ("validation-failed", "$.selectionSet.insert_item_one.args.object.shelf")


async def test_fixed_length_values_keep_their_length(notes: Client) -> None:
    r = await notes.gql(
        'mutation { insert_code_one(object: {c: "baaz", flags: "101"}) { c flags } }', admin=True
    )
    assert r == {"data": {"insert_code_one": {"c": "baaz", "flags": "101"}}}
    r = await notes.gql('{ code(where: {c: {_eq: "baaz"}}) { c } }', admin=True)
    assert r == {"data": {"code": [{"c": "baaz"}]}}


async def test_computed_fields_take_their_functions_other_arguments(notes: Client) -> None:
    r = await notes.gql(
        '{ note_by_pk(id: 1) { a: shout(args: {word: "hey"}) b: shout(args: {word: "yo", times: 2}) } }',
        admin=True,
    )
    assert r == {"data": {"note_by_pk": {"a": "HEY:mine", "b": "YOYO:mine"}}}
    r = await notes.gql("{ note_by_pk(id: 1) { shout } }", admin=True)  # `word` has no default
    assert error(r)[0] == "validation-failed"


async def test_a_set_returning_computed_field_follows_the_select_permission_of_its_rows(
    notes: Client,
) -> None:
    # not listed in user's permission: the note select permission (own notes only) decides
    await notes.gql(
        'mutation { insert_note(objects: [{body: "b", author: "u1"}, {body: "c", author: "u2"}]) '
        "{ affected_rows } }",
        admin=True,
    )
    q = '{ note(where: {id: {_eq: 1}}) { others_by(args: {who: "u1"}, order_by: {id: asc}) { author } } }'
    [row] = (await user(notes, q))["data"]["note"]
    assert row["others_by"] and {n["author"] for n in row["others_by"]} == {"u1"}
    # u2's notes exist, but user (u1) may not select them
    r = await user(notes, '{ note(where: {id: {_eq: 1}}) { others_by(args: {who: "u2"}) { id } } }')
    assert r == {"data": {"note": [{"others_by": []}]}}
