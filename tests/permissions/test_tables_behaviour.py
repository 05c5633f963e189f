"""Every table × role × operation × column of the matrix, tried through GraphQL with a JWT of ORG.

Allowed reads return exactly the rows of the role's scope (compared with the scope's SQL run directly);
allowed writes land on exactly the scope's rows and nowhere else; every other read or write is refused with
Hasura's validation error and changes nothing (every table's rows fingerprinted in the database before and
after). A failure names table, role, operation and column; the matrix is tests/permissions/matrix.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from devdb.project import metadata_dir
from gqlengine.metadata import model as md

from .conftest import ADMIN, ORG, Stack
from .database import Relation, describe, fingerprint, rows_hash
from .matrix import ROLES, Table, load
from .outcomes import BASE_TABLES, changed_tables, refused

MATRIX = load()
TABLES = list(MATRIX.tables)
PAIRS = [(table, role) for table in TABLES for role in ROLES]
IDS = [f"{table}-{role}" for table, role in PAIRS]

# Values allowed writes set: valid under the table's constraints and different from the arranged rows.
# Any other column is tried with a value of its type (VALUE_BY_TYPE).
WRITE_VALUES: dict[tuple[str, str], Any] = {
    ("organization_credit_balances", "low_balance_threshold"): 7,
    ("organization_credit_settings", "notification_webhook_url"): "https://hooks.example/matrix",
    ("organization_credit_settings", "notification_webhook_secret"): "matrix-secret",
    ("organization_credit_settings", "auto_topup_enabled"): True,
    ("organization_credit_settings", "auto_topup_package_id"): "pkg_popular",
    ("organization_credit_settings", "auto_topup_threshold"): 9,
    ("organization_credit_settings", "auto_topup_monthly_cap"): 7000,
}
VALUE_BY_TYPE: dict[str, Any] = {
    "text": "matrix",
    "boolean": True,
    "integer": 7,
    "bigint": 7,
    "numeric": 7,
    "date": "2031-01-01",
    "timestamp with time zone": "2031-01-01T00:00:00+00:00",
    "jsonb": {"matrix": 1},
}


@pytest.fixture(scope="module")
async def relations(stack: Stack) -> dict[str, Relation]:
    return await describe(stack.db, TABLES)


def value_for(relations: dict[str, Relation], table: str, column: str) -> Any:
    if (table, column) in WRITE_VALUES:
        return WRITE_VALUES[(table, column)]
    column_type = relations[table].columns[column].type.split("(")[0]
    assert column_type in VALUE_BY_TYPE, (
        f"{table}.{column}: add a value of type {column_type} to VALUE_BY_TYPE"
    )
    return VALUE_BY_TYPE[column_type]


def literal(value: Any) -> str:
    """A GraphQL literal (jsonb objects as input objects, which Hasura reads as JSON)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def as_sql_text(value: Any) -> str:
    """`value` as PostgreSQL reads it from text (cast to the column's type to compare)."""
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def fields(relations: dict[str, Relation], table: str, columns: list[str]) -> str:
    return ", ".join(f"{c}: {literal(value_for(relations, table, c))}" for c in columns)


def insert(name: str, values: str) -> str:
    return f"mutation {{ insert_{name}(objects: [{{{values}}}]) {{ affected_rows }} }}"


def update(name: str, values: str, where: str = "{}") -> str:
    return f"mutation {{ update_{name}(where: {where}, _set: {{{values}}}) {{ affected_rows }} }}"


async def accepted(
    stack: Stack,
    relations: dict[str, Relation],
    role: str,
    name: str,
    columns: list[str],
    mutation: Callable[[str, str], str],
) -> list[str]:
    """Which of `columns` a write as `role` is not refused for (names them for a failure message)."""
    out = []
    for column in columns:
        r = await stack.gql(role, mutation(name, fields(relations, name, [column])))
        errors = r.get("errors") or [{"extensions": {}}]
        if errors[0]["extensions"].get("code") != "validation-failed":
            out.append(f"{name}.{column}")
    return out


def key_of(table: Table, relation: Relation) -> list[str]:
    return table.key or relation.primary_key


def scope_sql(table: Table, scope: str) -> str:
    # `$1` is always bound to the session's organization, whether or not the scope uses it.
    return f"({table.rows[scope].sql}) and $1::text is not null"


async def keys_in_db(stack: Stack, name: str, key: list[str], where: str) -> list[Any]:
    rows = await stack.db.fetch(
        f"select json_build_array({', '.join(key)})::text as k from public.{name} where {where}", ORG
    )
    return sorted(json.loads(r["k"]) for r in rows)


# ---------------------------------------------------------------------------------------------- select


@pytest.mark.parametrize(("name", "role"), PAIRS, ids=IDS)
async def test_select(stack: Stack, relations: dict[str, Relation], name: str, role: str):
    t, rel = MATRIX.tables[name], relations[name]
    before = await fingerprint(stack.db, BASE_TABLES)
    problems: list[str] = []
    allowed = [*t.columns_for(role, "select"), *t.computed_for(role)]
    forbidden = [c for c in t.all_fields() if c not in allowed]
    if role not in t.select:
        r = await stack.gql(role, f"{{ {name} {{ {' '.join(t.all_fields())} }} }}")
        if why := refused(r, name, "query_root"):
            problems.append(f"{name}: {role} may not select it: {why}")
        r = await stack.gql(role, f"{{ {name}_aggregate {{ aggregate {{ count }} }} }}")
        if why := refused(r, f"{name}_aggregate", "query_root"):
            problems.append(f"{name}: {role} may not aggregate it: {why}")
    else:
        key = key_of(t, rel)
        scope = scope_sql(t, t.select[role])
        r = await stack.gql(role, f"{{ {name} {{ {' '.join(allowed)} }} }}")
        if "errors" in r:
            problems.append(f"{name}: {role} may select {', '.join(allowed)}: got {r['errors']}")
        else:
            seen = sorted([row[k] for k in key] for row in r["data"][name])
            expected = await keys_in_db(stack, name, key, scope)
            hidden = await keys_in_db(stack, name, key, f"not ({scope})")
            assert expected and hidden, f"{name}: arrange rows both in and out of {role}'s scope"
            if seen != expected:
                problems.append(f"{name}: {role} sees rows {seen}, its scope holds {expected}")
        r = await stack.gql(role, f"{{ {name}_aggregate {{ aggregate {{ count }} }} }}")
        if t.aggregations:
            count = await stack.db.fetchval(f"select count(*) from public.{name} where {scope}", ORG)
            if r.get("data") != {f"{name}_aggregate": {"aggregate": {"count": count}}}:
                problems.append(f"{name}: {role} may count its {count} rows: got {r}")
        elif why := refused(r, f"{name}_aggregate", "query_root"):
            problems.append(f"{name}: {role} may not aggregate it: {why}")
        for column in forbidden:
            r = await stack.gql(role, f"{{ {name} {{ {column} }} }}")
            if why := refused(r, column, name):
                problems.append(f"{name}.{column}: {role} may not select it: {why}")
    if changed := await changed_tables(stack, before):
        problems.append(f"{name}: reads as {role} changed {changed}")
    assert problems == []


_FOREIGN_KEYS = """select c.relname as rel, a.attname as col, r.relname as ref
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where k.contype = 'f' and cardinality(k.conkey) = 1"""


@pytest.fixture(scope="module")
async def relationships(stack: Stack) -> dict[str, dict[str, str]]:
    """table -> relationship name -> target table, from hasura/metadata."""
    own_keys = {(r["rel"], r["col"]): r["ref"] for r in await stack.db.fetch(_FOREIGN_KEYS)}
    out: dict[str, dict[str, str]] = {}
    for entry in md.load_directory(metadata_dir())["sources"][0]["tables"]:
        table = entry["table"]["name"]
        rels = out.setdefault(table, {})
        for rel in [*(entry.get("object_relationships") or []), *(entry.get("array_relationships") or [])]:
            using = rel["using"]
            if "manual_configuration" in using:
                rels[rel["name"]] = using["manual_configuration"]["remote_table"]["name"]
            elif isinstance(using["foreign_key_constraint_on"], dict):
                rels[rel["name"]] = using["foreign_key_constraint_on"]["table"]["name"]
            else:  # through this table's own foreign key column
                rels[rel["name"]] = own_keys[(table, using["foreign_key_constraint_on"])]
    return out


READERS = [(table, role) for table, role in PAIRS if role in MATRIX.tables[table].select]


@pytest.mark.parametrize(("name", "role"), READERS, ids=[f"{t}-{r}" for t, r in READERS])
async def test_relationships(
    stack: Stack,
    relations: dict[str, Relation],
    relationships: dict[str, dict[str, str]],
    name: str,
    role: str,
):
    """A relationship leads only to rows and tables the role may read on their own."""
    problems: list[str] = []
    for rel_name, target in relationships.get(name, {}).items():
        goal = MATRIX.tables[target]
        r = await stack.gql(role, f"{{ {name} {{ {rel_name} {{ __typename }} }} }}")
        if role not in goal.select:
            if why := refused(r, rel_name, name):
                problems.append(f"{name}.{rel_name} -> {target}: {role} may not read {target}: {why}")
            continue
        key = key_of(goal, relations[target])
        r = await stack.gql(role, f"{{ {name} {{ {rel_name} {{ {' '.join(key)} }} }} }}")
        if "errors" in r:
            problems.append(f"{name}.{rel_name} -> {target}: {role} may read it: {r['errors']}")
            continue
        reached = []
        for row in r["data"][name]:
            found = row[rel_name]
            for item in found if isinstance(found, list) else [found] if found else []:
                reached.append([item[k] for k in key])
        allowed = await keys_in_db(stack, target, key, scope_sql(goal, goal.select[role]))
        if outside := [k for k in reached if k not in allowed]:
            problems.append(
                f"{name}.{rel_name} -> {target}: {role} reached rows outside its scope: {outside}"
            )
    assert problems == []


# ---------------------------------------------------------------------------------------------- insert


@pytest.mark.parametrize(("name", "role"), PAIRS, ids=IDS)
async def test_insert(stack: Stack, relations: dict[str, Relation], name: str, role: str):
    t, rel = MATRIX.tables[name], relations[name]
    problems: list[str] = []
    before = await fingerprint(stack.db, BASE_TABLES)
    allowed = t.columns_for(role, "insert")
    if role not in t.insert:
        # The whole row at once: refused at the root field, whichever column a wrong grant would allow.
        writable = [c for c in t.columns if not rel.columns[c].generated]
        r = await stack.gql(
            role,
            insert(name, fields(relations, name, writable)),
        )
        if why := refused(r, f"insert_{name}", "mutation_root"):
            leaks = await accepted(stack, relations, role, name, writable, insert)
            problems.append(f"{name}: {role} may not insert, yet it may insert {leaks}: {why}")
    else:
        for column in [c for c in t.columns if c not in allowed]:
            r = await stack.gql(
                role,
                insert(name, fields(relations, name, [column])),
            )
            if why := refused(r, column, f"{name}_insert_input"):
                problems.append(f"{name}.{column}: {role} may not insert it: {why}")
    if changed := await changed_tables(stack, before):
        problems.append(f"{name}: refused inserts as {role} changed {changed}")
    if role in t.insert:
        problems += await _allowed_insert(stack, relations, t, name, role, allowed)
    assert problems == []


async def _allowed_insert(
    stack: Stack, relations: dict[str, Relation], t: Table, name: str, role: str, allowed: list[str]
) -> list[str]:
    """Insert a row with every allowed column: it lands in the role's scope, presets applied."""
    scope = scope_sql(t, t.insert[role].rows)
    saved = await stack.db.fetchval(
        f"select coalesce(jsonb_agg(to_jsonb(x)), '[]') from public.{name} x where {scope}", ORG
    )
    await stack.db.execute(f"delete from public.{name} where {scope}", ORG)
    outside = await stack.db.fetchval(rows_hash(name, f"not ({scope})"), ORG)
    problems: list[str] = []
    try:
        r = await stack.gql(
            role,
            insert(name, fields(relations, name, allowed)),
        )
        if r != {"data": {f"insert_{name}": {"affected_rows": 1}}}:
            problems.append(f"{name}: {role} may insert {', '.join(allowed)}: got {r}")
        landed = await stack.db.fetch(f"select * from public.{name} where {scope}", ORG)
        if len(landed) != 1:
            problems.append(
                f"{name}: {role}'s insert should land in its scope, found {len(landed)} rows there"
            )
        for column in allowed:
            want = as_sql_text(value_for(relations, name, column))
            column_type = relations[name].columns[column].type
            got = await stack.db.fetchval(
                f"select count(*) from public.{name} where {scope}"
                f" and {column} is not distinct from cast($2::text as {column_type})",
                ORG,
                want,
            )
            if got != 1:
                problems.append(f"{name}.{column}: {role}'s insert did not store {want}")
        for column, session_var in t.insert[role].set.items():
            assert session_var == "X-Hasura-Organization-Id", f"{name}: teach this test preset {session_var}"
            if landed and landed[0][column] != ORG:
                problems.append(
                    f"{name}.{column}: preset to the session's organization, got {landed[0][column]}"
                )
        after = await stack.db.fetchval(rows_hash(name, f"not ({scope})"), ORG)
        if after != outside:
            problems.append(f"{name}: {role}'s insert changed rows outside its scope")
    finally:
        await stack.db.execute(f"delete from public.{name} where {scope}", ORG)
        await restore(stack, relations[name], saved)
    return problems


async def restore(stack: Stack, rel: Relation, rows: list[dict[str, Any]]) -> None:
    columns = [c for c in rel.columns if not rel.columns[c].generated]
    names = ", ".join(columns)
    await stack.db.execute(
        f"insert into public.{rel.name} ({names}) select {names}"
        f" from jsonb_populate_recordset(null::public.{rel.name}, $1::jsonb)",
        rows,
    )


# ---------------------------------------------------------------------------------------------- update


@pytest.mark.parametrize(("name", "role"), PAIRS, ids=IDS)
async def test_update(stack: Stack, relations: dict[str, Relation], name: str, role: str):
    t, rel = MATRIX.tables[name], relations[name]
    problems: list[str] = []
    before = await fingerprint(stack.db, BASE_TABLES)
    allowed = t.columns_for(role, "update")
    writable = [c for c in t.columns if not rel.columns[c].generated]
    if role not in t.update:
        r = await stack.gql(
            role,
            update(name, fields(relations, name, writable)),
        )
        if why := refused(r, f"update_{name}", "mutation_root"):
            nowhere = f"{{{key_of(t, rel)[0]}: {{_is_null: true}}}}"
            leaks = await accepted(stack, relations, role, name, writable, lambda n, v: update(n, v, nowhere))
            problems.append(f"{name}: {role} may not update, yet it may update {leaks}: {why}")
    else:
        for column in [c for c in writable if c not in allowed]:
            r = await stack.gql(
                role,
                update(name, fields(relations, name, [column])),
            )
            if why := refused(r, column, f"{name}_set_input"):
                problems.append(f"{name}.{column}: {role} may not update it: {why}")
    if changed := await changed_tables(stack, before):
        problems.append(f"{name}: refused updates as {role} changed {changed}")
    for column in allowed:
        problems += await _allowed_update(stack, relations, t, name, role, column)
    assert problems == []


async def _allowed_update(
    stack: Stack, relations: dict[str, Relation], t: Table, name: str, role: str, column: str
) -> list[str]:
    """`update … where: {}`: exactly the scope's rows take the value; no other row changes."""
    scope = scope_sql(t, t.update[role].rows)
    saved = await stack.db.fetchval(
        f"select coalesce(jsonb_agg(to_jsonb(x)), '[]') from public.{name} x where {scope}", ORG
    )
    outside = rows_hash(name, f"not ({scope})")
    before_outside = await stack.db.fetchval(outside, ORG)
    in_scope = await stack.db.fetchval(f"select count(*) from public.{name} where {scope}", ORG)
    assert in_scope, f"{name}: arrange a row {role} may update"
    problems: list[str] = []
    want = as_sql_text(value_for(relations, name, column))
    try:
        r = await stack.gql(
            role,
            update(name, fields(relations, name, [column])),
        )
        if r != {"data": {f"update_{name}": {"affected_rows": in_scope}}}:
            problems.append(f"{name}.{column}: {role} may update its {in_scope} row(s): got {r}")
        stale = await stack.db.fetchval(
            f"select count(*) from public.{name} where {scope}"
            f" and {column} is distinct from cast($2::text as {relations[name].columns[column].type})",
            ORG,
            want,
        )
        if stale:
            problems.append(
                f"{name}.{column}: {role}'s update did not store {want} in {stale} row(s) of its scope"
            )
        if await stack.db.fetchval(outside, ORG) != before_outside:
            problems.append(f"{name}.{column}: {role}'s update changed rows outside its scope")
    finally:
        await stack.db.execute(f"delete from public.{name} where {scope}", ORG)
        await restore(stack, relations[name], saved)
    return problems


# ---------------------------------------------------------------------------------------------- delete


@pytest.mark.parametrize(("name", "role"), PAIRS, ids=IDS)
async def test_delete(stack: Stack, name: str, role: str):
    # No role deletes anything today; a matrix that lets one needs a check that only its scope goes.
    assert role not in MATRIX.tables[name].delete, f"{name}: the matrix lets {role} delete: test it here"
    before = await fingerprint(stack.db, BASE_TABLES)
    r = await stack.gql(role, f"mutation {{ delete_{name}(where: {{}}) {{ affected_rows }} }}")
    problems = []
    if why := refused(r, f"delete_{name}", "mutation_root"):
        problems.append(f"{name}: {role} may not delete: {why}")
    if changed := await changed_tables(stack, before):
        problems.append(f"{name}: a delete as {role} changed {changed}")
    assert problems == []


# ---------------------------------------------------------------------------------------------- admin


@pytest.mark.parametrize("name", TABLES)
async def test_admin_reads_every_row_and_column(stack: Stack, name: str):
    t = MATRIX.tables[name]
    r = await stack.gql(ADMIN, f"{{ {name} {{ {' '.join(t.all_fields())} }} }}")
    count = await stack.db.fetchval(f"select count(*) from public.{name}")
    assert "errors" not in r and len(r["data"][name]) == count, r


@pytest.mark.parametrize("name", TABLES)
async def test_admin_writes_every_column_of_tables_only(
    stack: Stack, relations: dict[str, Relation], name: str
):
    t, rel = MATRIX.tables[name], relations[name]
    before = await fingerprint(stack.db, BASE_TABLES)
    writable = [c for c in t.columns if not rel.columns[c].generated]
    none = f"{{{key_of(t, rel)[0]}: {{_is_null: true}}}}"  # matches no row: proves the fields exist
    mutations = {
        "update": update(name, fields(relations, name, writable), none),
        "delete": f"mutation {{ delete_{name}(where: {none}) {{ affected_rows }} }}",
        "insert": f"mutation {{ insert_{name}(objects: []) {{ affected_rows }} }}",
    }
    for op, mutation in mutations.items():
        r = await stack.gql(ADMIN, mutation)
        if t.kind == "view":
            assert refused(r, f"{op}_{name}", "mutation_root") is None, (op, r)
        else:
            assert r == {"data": {f"{op}_{name}": {"affected_rows": 0}}}, (op, r)
    assert await changed_tables(stack, before) == []


# ---------------------------------------------------------------------------------------------- checks


async def test_owner_cannot_enable_auto_topup_without_a_payment_method(stack: Stack):
    # The one update check beyond the organization: the matrix's owner `check` on the settings row.
    await stack.db.execute(
        "update organization_credit_settings set stripe_payment_method_id = null where organization_id = $1",
        ORG,
    )
    before = await fingerprint(stack.db, BASE_TABLES)
    try:
        r = await stack.gql("owner", update("organization_credit_settings", "auto_topup_enabled: true"))
        assert r["errors"][0]["extensions"]["code"] == "permission-error", r
        assert r["errors"][0]["message"] == "check constraint of an insert/update permission has failed", r
        assert await changed_tables(stack, before) == []
    finally:
        await stack.db.execute(
            "update organization_credit_settings set stripe_payment_method_id = 'pm_' || organization_id"
            " where organization_id = $1",
            ORG,
        )
