"""hasura/metadata grants exactly the matrix (tests/permissions/matrix.yaml), and the matrix covers exactly
the tracked tables, their columns and computed fields, and the actions.

A failure names the table, role, operation and column, and says which side has what: change the metadata
back, or (a deliberate permission change) edit the matrix line the message names.
"""

from __future__ import annotations

import copy
from typing import Any

import asyncpg

from actions.registry import ACTIONS
from devdb.project import metadata_dir
from gqlengine.metadata import model as md

from . import effective
from .matrix import ROLES, load


def _differences(matrix: dict[str, Any], metadata: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for table in sorted(set(matrix) | set(metadata)):
        if table not in matrix:
            out.append(f"{table}: tracked in hasura/metadata but missing from the matrix")
            continue
        if table not in metadata:
            out.append(f"{table}: in the matrix but not tracked in hasura/metadata")
            continue
        for role in sorted(set(matrix[table]) | set(metadata[table])):
            if role not in ROLES:
                out.append(f"{table}: metadata grants role {role!r}, which the matrix does not know")
                continue
            want, got = matrix[table].get(role, {}), metadata[table].get(role, {})
            for op in effective.OPERATIONS:
                if op not in want and op not in got:
                    continue
                if op not in want:
                    out.append(f"{table}: metadata lets {role} {op} ({got[op]}); the matrix does not")
                    continue
                if op not in got:
                    out.append(f"{table}: the matrix lets {role} {op}; metadata does not")
                    continue
                for key in sorted(set(want[op]) | set(got[op])):
                    w, g = want[op].get(key), got[op].get(key)
                    if w == g:
                        continue
                    if key in ("columns", "computed_fields") and isinstance(g, list):
                        for c in sorted(set(g) - set(w or [])):
                            out.append(f"{table}.{c}: metadata lets {role} {op} it; the matrix does not")
                        for c in sorted(set(w or []) - set(g)):
                            out.append(f"{table}.{c}: the matrix lets {role} {op} it; metadata does not")
                    else:
                        out.append(f"{table}: {role} {op} {key}: metadata {g!r}, matrix {w!r}")
    return out


def test_metadata_grants_exactly_the_matrix():
    assert _differences(load().grants(), effective.grants()) == []


def test_metadata_action_permissions_are_the_matrix():
    assert effective.action_roles() == {a: sorted(r) for a, r in load().actions.items()}


def test_the_service_authorizes_the_same_roles_as_the_matrix():
    # Defence in depth: the service refuses a role Hasura let through by mistake, so it must agree too.
    assert {name: sorted(a.roles) for name, a in ACTIONS.items()} == {
        a: sorted(r) for a, r in load().actions.items()
    }


def test_the_matrix_lists_every_computed_field_of_the_metadata():
    doc = md.load_directory(metadata_dir())
    tracked = {
        effective.table_name(e["table"]): sorted(cf["name"] for cf in e.get("computed_fields") or [])
        for s in doc["sources"]
        for e in s.get("tables") or []
    }
    assert {name: sorted(t.computed) for name, t in load().tables.items()} == tracked


async def test_the_matrix_lists_every_column_of_the_database(db_url: str):
    conn = await asyncpg.connect(db_url)
    try:
        rows = await conn.fetch(
            """select c.relname as table, c.relkind::text as relkind, a.attname as column
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
               join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               where n.nspname = 'public' and c.relname = any($1::text[])
               order by c.relname, a.attnum""",
            list(load().tables),
        )
    finally:
        await conn.close()
    kinds = {r["table"]: "view" if r["relkind"] in ("v", "m") else "table" for r in rows}
    problems: list[str] = []
    for name, table in load().tables.items():
        in_db = [r["column"] for r in rows if r["table"] == name]
        problems += [
            f"{name}.{c}: a column in the database, missing from the matrix"
            for c in in_db
            if c not in table.columns
        ]
        problems += [
            f"{name}.{c}: in the matrix, not in the database" for c in table.columns if c not in in_db
        ]
        if kinds.get(name) != table.kind:
            problems.append(f"{name}: a {kinds.get(name)} in the database, a {table.kind} in the matrix")
        if table.kind == "view" and not (table.key and set(table.key) <= set(table.columns)):
            problems.append(f"{name}: a view needs a `key` of its columns")
    assert problems == []


def test_inherited_roles_compare_by_their_effective_permissions():
    own = {"organization_id": {"_eq": "X-Hasura-Organization-Id"}}
    update = {"columns": ["low_balance_threshold"], "filter": own, "check": own}
    doc = {
        "inherited_roles": [{"role_name": "staff", "role_set": ["member", "org_admin"]}],
        "sources": [
            {
                "tables": [
                    {
                        "table": {"schema": "public", "name": "balances"},
                        "select_permissions": [
                            {"role": "member", "permission": {"columns": ["a"], "filter": own, "limit": 10}},
                            {
                                "role": "org_admin",
                                "permission": {"columns": ["b"], "filter": own, "limit": 50},
                            },
                        ],
                        "update_permissions": [{"role": "org_admin", "permission": update}],
                    },
                    {
                        "table": {"schema": "public", "name": "ledger"},
                        "update_permissions": [
                            {"role": "member", "permission": update},
                            {"role": "org_admin", "permission": {**update, "columns": ["x"]}},
                        ],
                    },
                ]
            }
        ],
        "actions": [{"name": "reserve", "permissions": [{"role": "org_admin"}]}],
    }
    grants = effective.grants(doc)
    staff = grants["balances"]["staff"]
    assert staff["select"] == {
        "columns": ["a", "b"],
        "computed_fields": [],
        "filter": own,
        "limit": 50,
        "allow_aggregations": False,
    }
    assert staff["update"] == effective.normalize("update", update)
    assert grants["ledger"]["staff"] == {"update": effective.CONFLICT}
    assert effective.action_roles(doc) == {"reserve": ["org_admin", "staff"]}


def test_a_difference_names_table_column_role_and_operation():
    matrix = load().grants()
    metadata = copy.deepcopy(matrix)
    metadata["credit_transactions"]["member"]["select"]["columns"].append("idempotency_key")
    metadata["organization_credit_balances"]["member"]["update"] = metadata["organization_credit_balances"][
        "owner"
    ]["update"]
    del metadata["credit_purchases"]["owner"]
    assert _differences(matrix, metadata) == [
        "credit_purchases: the matrix lets owner select; metadata does not",
        "credit_transactions.idempotency_key: metadata lets member select it; the matrix does not",
        "organization_credit_balances: metadata lets member update ({'columns': ['low_balance_threshold'],"
        " 'filter': {'organization_id': {'_eq': 'X-Hasura-Organization-Id'}}, 'check': {'organization_id':"
        " {'_eq': 'X-Hasura-Organization-Id'}}, 'set': {}}); the matrix does not",
    ]
