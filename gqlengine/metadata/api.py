"""The admin APIs: /v1/metadata, /v1/query (legacy, used by Hasura's own tests) and /v2/query (run_sql).

Every metadata edit is applied to a copy of the metadata document and resolved against the catalog first;
an edit that would add an inconsistency is refused, as Hasura does, and the engine is left unchanged.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg

from gqlengine.graphql.compile import GQLError
from gqlengine.graphql.execute import Engine
from gqlengine.metadata import limits_api, schema_diff
from gqlengine.metadata import model as md
from gqlengine.metadata import query_collections as qc

# The connection of the `bulk` request being served: its steps share one transaction, so a failing step
# leaves nothing of the earlier ones (SQL or metadata).
_bulk_conn: contextvars.ContextVar[asyncpg.Connection | None] = contextvars.ContextVar(
    "gqlengine_bulk_conn", default=None
)


@contextlib.asynccontextmanager
async def _connection(engine: Engine) -> AsyncIterator[asyncpg.Connection]:
    """The bulk's connection inside a bulk, else one from the pool."""
    conn = _bulk_conn.get()
    if conn is not None:
        yield conn
        return
    assert engine.pool is not None
    async with engine.pool.acquire() as pooled:
        yield pooled


class AdminError(Exception):
    def __init__(
        self, error: str, code: str, status: int = 400, path: str = "$", internal: Any = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.code = code
        self.status = status
        self.path = path
        self.internal = internal

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "error": self.error, "code": self.code}
        if self.internal is not None:
            out["internal"] = self.internal
        return out


SUCCESS = {"message": "success"}


def _source(doc: Any, name: str = "default") -> dict[str, Any]:
    for s in doc.setdefault("sources", []):
        if s.get("name") == name:
            return s
    s = {
        "name": name,
        "kind": "postgres",
        "tables": [],
        "configuration": {"connection_info": {"database_url": {"from_env": "PG_DATABASE_URL"}}},
    }
    doc["sources"].append(s)
    return s


def _table_ref(args: Any) -> dict[str, str]:
    t = args.get("table", args) if isinstance(args, dict) else args
    if isinstance(t, str):
        return {"schema": "public", "name": t}
    return {"schema": t.get("schema", "public"), "name": t["name"]}


def _find_table(doc: Any, ref: dict[str, str], source: str = "default") -> dict[str, Any]:
    for t in _source(doc, source).setdefault("tables", []):
        if md.table_key(t["table"]) == (ref["schema"], ref["name"]):
            return t
    raise AdminError(f'table "{ref["name"]}" does not exist', "not-exists", path="$.args.table")


async def _commit(engine: Engine, doc: Any, allow_inconsistent: bool = False) -> md.Model:
    assert engine.catalog is not None and engine.model is not None and engine.pool is not None
    model = qc.resolve(doc, engine.catalog, engine.settings.infer_function_permissions)
    async with _connection(engine) as conn:
        await md.load_enum_values(conn, model)
    before = {_inconsistency_key(i) for i in engine.model.inconsistencies}
    new = [i for i in model.inconsistencies if _inconsistency_key(i) not in before]
    # Hasura accepts an inherited role whose parents disagree on a mutation, and reports it.
    new = [i for i in new if i.get("type") != "inherited role permission inconsistency"]
    if new and not allow_inconsistent:
        if new[0].get("type") == "query_collections":
            # A stored query broken by an edit to something else (Hasura's withNewInconsistentObjsCheck).
            raise AdminError(
                "cannot continue due to newly found inconsistent metadata",
                "unexpected",
                status=500,
                path="$.args",
                internal=new,
            )
        reason = new[0]["reason"]
        if new[0].get("type") not in ("function", "rest_endpoint"):  # Hasura keeps the prefix for these
            reason = reason.removeprefix("Inconsistent object: ")
        raise AdminError(reason, "invalid-configuration", path="$.args", internal=new)
    engine.doc = doc
    engine.model = model
    engine.role_schemas = {}
    engine.plans.clear()
    engine.resource_version += 1
    if _bulk_conn.get() is None:  # a bulk tells the services once it has committed
        await engine.notify_services()
    return model


def _inconsistency_key(i: Any) -> tuple[Any, Any, Any]:
    return (i.get("type"), i.get("name"), i.get("reason") if "type" not in i else None)


async def apply_document(engine: Engine, doc: Any) -> md.Model:
    """Replace the engine's metadata document by `doc` (for services' metadata calls); refused like any
    edit when it adds an inconsistency."""
    return await _commit(engine, doc)


def exported(doc: Any) -> Any:
    """The document as export_metadata shows it: cron triggers with include_in_metadata: false stay in the
    server only (Hasura keeps them out of the exported metadata)."""
    crons = doc.get("cron_triggers")
    if not crons:
        return doc
    kept = [c for c in crons if not (isinstance(c, dict) and c.get("include_in_metadata") is False)]
    if len(kept) == len(crons):
        return doc
    return {**doc, "cron_triggers": kept}


def _inconsistency_report(model: md.Model) -> dict[str, Any]:
    return {"is_consistent": not model.inconsistencies, "inconsistent_objects": model.inconsistencies}


async def _edit(engine: Engine, op: str, args: Any) -> Any:
    if isinstance(args, str):  # `track_table` accepts a bare table name
        args = {"table": args}
    doc = copy.deepcopy(engine.doc)
    source = args.get("source", "default") if isinstance(args, dict) else "default"
    if op in ACTION_OPS:
        _edit_action(doc, op, args)
    elif op in FUNCTION_OPS:
        _edit_function(doc, op, args, source)
    elif op in ("track_table", "add_existing_table_or_view"):
        ref = _table_ref(args)
        tables = _source(doc, source).setdefault("tables", [])
        if any(md.table_key(t["table"]) == (ref["schema"], ref["name"]) for t in tables):
            raise AdminError(f'view/table already tracked: "{ref["name"]}"', "already-tracked", path="$.args")
        entry: dict[str, Any] = {"table": ref}
        if args.get("configuration"):
            entry["configuration"] = args["configuration"]
        if args.get("is_enum"):
            entry["is_enum"] = True
        tables.append(entry)
        assert engine.catalog is not None
        if engine.catalog.table(ref["schema"], ref["name"]) is None:
            raise AdminError(
                f'no such table/view exists in source: "{ref["name"]}"',
                "invalid-configuration",
                path="$.args",
            )
    elif op in ("untrack_table",):
        ref = _table_ref(args)
        src = _source(doc, source)
        _find_table(doc, ref, source)
        src["tables"] = [t for t in src["tables"] if md.table_key(t["table"]) != (ref["schema"], ref["name"])]
    elif op in ("create_object_relationship", "create_array_relationship"):
        t = _find_table(doc, _table_ref(args), source)
        kind = "object" if "object" in op else "array"
        rel: dict[str, Any] = {"name": args["name"], "using": args["using"]}
        if args.get("comment") is not None:
            rel["comment"] = args["comment"]
        t.setdefault(f"{kind}_relationships", []).append(rel)
    elif op == "drop_relationship":
        t = _find_table(doc, _table_ref(args), source)
        name = args["relationship"]
        found = False
        for kind in ("object", "array"):
            rels = t.get(f"{kind}_relationships") or []
            if any(r["name"] == name for r in rels):
                found = True
                t[f"{kind}_relationships"] = [r for r in rels if r["name"] != name]
        if not found:
            raise AdminError(f'relationship "{name}" does not exist', "not-exists", path="$.args")
    elif op.startswith("create_") and op.endswith("_permission"):
        kind = op[len("create_") : -len("_permission")]
        t = _find_table(doc, _table_ref(args), source)
        perms = t.setdefault(f"{kind}_permissions", [])
        if any(p["role"] == args["role"] for p in perms):
            raise AdminError(
                f'{kind} permission already defined on table "{t["table"]["name"]}" with role '
                f'"{args["role"]}"',
                "already-exists",
                path="$.args",
            )
        perms.append({"role": args["role"], "permission": args["permission"]})
    elif op.startswith("drop_") and op.endswith("_permission"):
        kind = op[len("drop_") : -len("_permission")]
        t = _find_table(doc, _table_ref(args), source)
        t[f"{kind}_permissions"] = [
            p for p in t.get(f"{kind}_permissions") or [] if p["role"] != args["role"]
        ]
    elif op == "add_computed_field":
        t = _find_table(doc, _table_ref(args), source)
        cf: dict[str, Any] = {"name": args["name"], "definition": args["definition"]}
        if args.get("comment") is not None:  # "" is a choice too: no description
            cf["comment"] = args["comment"]
        t.setdefault("computed_fields", []).append(cf)
    elif op == "drop_computed_field":
        t = _find_table(doc, _table_ref(args), source)
        t["computed_fields"] = [c for c in t.get("computed_fields") or [] if c["name"] != args["name"]]
    elif op == "set_table_customization":
        t = _find_table(doc, _table_ref(args), source)
        t["configuration"] = args.get("configuration") or {}
    elif op == "set_custom_types":
        kinds = ("scalars", "enums", "input_objects", "objects")
        doc["custom_types"] = {k: args[k] for k in kinds if args.get(k)}
    else:
        raise AdminError(f"unknown metadata operation: {op}", "not-supported", path="$.type")
    await _commit(engine, doc)
    return SUCCESS


FUNCTION_OPS = (
    "track_function",
    "untrack_function",
    "create_function_permission",
    "drop_function_permission",
    "set_function_customization",
)


def _grant(entry: dict[str, Any], args: Any, exists: str) -> None:
    """Add a role's permission to an action's or a function's `permissions` (refused if it has one)."""
    perms = entry.setdefault("permissions", [])
    if any(p["role"] == args["role"] for p in perms):
        raise AdminError(exists, "already-exists", path="$.args")
    perms.append({"role": args["role"], **({"comment": args["comment"]} if args.get("comment") else {})})


def _function_ref(args: Any) -> dict[str, str]:
    f = args.get("function", args) if isinstance(args, dict) else args
    if isinstance(f, str):
        return {"schema": "public", "name": f}
    return {"schema": f.get("schema", "public"), "name": f["name"]}


def _edit_function(doc: Any, op: str, args: Any, source: str) -> None:
    """Hasura's function operations (v1 `{schema, name}` and v2 `{function, configuration}` arguments)."""
    functions = _source(doc, source).setdefault("functions", [])
    ref = _function_ref(args)
    found = next((f for f in functions if md.table_key(f["function"]) == (ref["schema"], ref["name"])), None)
    if op == "track_function":
        if found is not None:
            raise AdminError(f'function already tracked: "{ref["name"]}"', "already-tracked", path="$.args")
        entry: dict[str, Any] = {"function": ref}
        if args.get("configuration"):
            entry["configuration"] = args["configuration"]
        if args.get("comment") is not None:
            entry["comment"] = args["comment"]
        functions.append(entry)
        return
    if found is None:
        raise AdminError(f'function "{ref["name"]}" is not tracked', "not-exists", path="$.args")
    if op == "untrack_function":
        functions.remove(found)
    elif op == "set_function_customization":
        found["configuration"] = args.get("configuration") or {}
    elif op == "create_function_permission":
        _grant(
            found, args, f'permission of role "{args["role"]}" already exists for function "{ref["name"]}"'
        )
    else:  # drop_function_permission
        found["permissions"] = [p for p in found.get("permissions") or [] if p["role"] != args["role"]]


ACTION_OPS = (
    "create_action",
    "update_action",
    "drop_action",
    "create_action_permission",
    "drop_action_permission",
)


def _edit_action(doc: Any, op: str, args: Any) -> None:
    """The action operations of Hasura's metadata API, on the document's `actions` list."""
    actions = doc.setdefault("actions", [])
    name = args.get("action") if "permission" in op else args.get("name")
    found = next((a for a in actions if a["name"] == name), None)
    if op in ("create_action", "update_action") and (refused := md.refused_header(args["definition"])):
        raise AdminError(refused[1], "parse-failed", path=f"$.definition.headers[{refused[0]}]")
    if op == "create_action":
        if found is not None:
            raise AdminError(f'action with name "{name}" already exists', "already-exists", path="$.args")
        entry: dict[str, Any] = {"name": name, "definition": args["definition"]}
        if args.get("comment"):
            entry["comment"] = args["comment"]
        actions.append(entry)
        return
    if found is None:
        raise AdminError(f'action with name "{name}" does not exist', "not-exists", path="$.args")
    if op == "update_action":
        found["definition"] = args["definition"]
        if "comment" in args:
            found["comment"] = args["comment"]
    elif op == "drop_action":
        doc["actions"] = [a for a in actions if a["name"] != name]
    elif op == "create_action_permission":
        _grant(found, args, f'permission for role "{args["role"]}" is already defined on "{name}"')
    else:  # drop_action_permission
        perms = found.get("permissions") or []
        if not any(p["role"] == args["role"] for p in perms):
            raise AdminError(
                f'permission for role "{args["role"]}" is not defined on "{name}"',
                "not-exists",
                path="$.args",
            )
        found["permissions"] = [p for p in perms if p["role"] != args["role"]]


# ---------------------------------------------------------------------------- run_sql


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, dict | list):
        return json.dumps(v)
    return str(v)


def _foreign_keys(engine: Engine) -> dict[tuple[str, str], list[Any]]:
    assert engine.catalog is not None
    return {
        key: [(fk.columns, fk.ref_table) for fk in t.foreign_keys] for key, t in engine.catalog.tables.items()
    }


async def _execute(conn: asyncpg.Connection, sql: str) -> tuple[list[Any], list[str]]:
    try:
        async with conn.transaction():
            stmt = await conn.prepare(sql)
            return await stmt.fetch(), [a.name for a in stmt.get_attributes()]
    except asyncpg.PostgresSyntaxError as exc:
        if "multiple commands" not in str(exc):
            raise
        await conn.execute(sql)
        return [], []


def _sql_error(exc: asyncpg.PostgresError, sql: str) -> AdminError:
    return AdminError(
        "query execution failed",
        "postgres-error",
        internal={
            "arguments": [],
            "error": {
                "description": getattr(exc, "detail", None),
                "exec_status": "FatalError",
                "hint": getattr(exc, "hint", None),
                "message": str(exc),
                "status_code": getattr(exc, "sqlstate", None),
            },
            "prepared": False,
            "statement": sql,
        },
    )


async def _run_sql_on(
    engine: Engine, conn: asyncpg.Connection, sql: str, diffing: bool, cascade: bool
) -> tuple[list[Any], list[str], Any]:
    """Run the SQL (in the caller's transaction) and the metadata document that matches its result."""
    snapshot = await schema_diff.before(conn, engine.doc) if diffing else None
    try:
        records, attrs = await _execute(conn, sql)
    except asyncpg.PostgresError as exc:
        raise _sql_error(exc, sql) from exc
    doc = engine.doc
    if snapshot is not None:
        changes = schema_diff.diff(snapshot, await schema_diff.after(conn, snapshot))
        if not changes.empty():
            doc = copy.deepcopy(engine.doc)
            try:
                schema_diff.apply(doc, changes, _foreign_keys(engine), cascade)
            except schema_diff.DependencyError as exc:
                raise AdminError(str(exc), "dependency-error") from exc
    return records, attrs, doc


async def run_sql(engine: Engine, args: Any) -> Any:
    assert engine.pool is not None and engine.model is not None
    sql = args.get("sql", "")
    read_only = bool(args.get("read_only", False))
    diffing = not read_only and schema_diff.needs_diff(sql, args.get("check_metadata_consistency"))
    cascade = bool(args.get("cascade", False))
    bulk = _bulk_conn.get()
    if bulk is not None:
        async with bulk.transaction():  # a savepoint: a failed statement must not abort the bulk's own
            records, attrs, doc = await _run_sql_on(engine, bulk, sql, diffing, cascade)
    else:
        async with engine.pool.acquire() as conn:
            try:
                async with conn.transaction(readonly=read_only):
                    records, attrs, doc = await _run_sql_on(engine, conn, sql, diffing, cascade)
            finally:
                # Arbitrary SQL may leave SETs, LISTENs or advisory locks behind; the pool does not reset.
                await conn.reset()
    if not read_only:
        before = {_inconsistency_key(i) for i in engine.model.inconsistencies}
        old_doc = engine.doc
        engine.doc = doc
        model = await engine.reload(bulk)
        new = [i for i in model.inconsistencies if _inconsistency_key(i) not in before]
        if new:
            # Hasura keeps the metadata it had when the SQL leaves some of it behind.
            engine.doc = old_doc
            await engine.reload(bulk)
            raise AdminError(
                "cannot continue due to newly found inconsistent metadata",
                "unexpected",
                status=500,
                path="$.args",
                internal=new,
            )
        if doc is not old_doc:
            engine.resource_version += 1
    if attrs:
        return {"result_type": "TuplesOk", "result": [attrs, *[[_text(v) for v in r] for r in records]]}
    return {"result_type": "CommandOk", "result": None}


async def run_bulk(engine: Engine, steps: Any, handler: Callable[[Engine, Any], Awaitable[Any]]) -> Any:
    """The steps of a `bulk` in one transaction: all of them, or (on the first error) none."""
    if _bulk_conn.get() is not None or not isinstance(steps, list):
        return [await handler(engine, q) for q in steps or []]
    assert engine.pool is not None
    doc, version = engine.doc, engine.resource_version
    failed = False
    try:
        async with engine.pool.acquire() as conn:
            token = _bulk_conn.set(conn)
            try:
                async with conn.transaction():
                    return [await handler(engine, q) for q in steps]
            except BaseException:
                failed = True
                raise
            finally:
                _bulk_conn.reset(token)
                await conn.reset()
    finally:
        if failed:
            engine.doc, engine.resource_version = doc, version
        # Services and pooled connections learn of the outcome only now (committed or rolled back).
        await engine.reload()


async def legacy_insert(engine: Engine, args: Any) -> Any:
    assert engine.catalog is not None
    ref = _table_ref(args)
    table = engine.catalog.table(ref["schema"], ref["name"])
    if table is None:
        raise AdminError(f'table "{ref["name"]}" does not exist', "not-exists", path="$.args.table")
    objects = args.get("objects") or []
    if not objects:
        return {"affected_rows": 0}
    qt = f'"{ref["schema"]}"."{ref["name"]}"'
    # Consecutive objects with the same keys go in one statement; a key an object leaves out gets the
    # column's default (not null), and rows keep their order (serial ids).
    groups: list[list[Any]] = []
    for o in objects:
        if groups and set(groups[-1][0]) == set(o):
            groups[-1].append(o)
        else:
            groups.append([o])
    affected = 0
    try:
        async with _connection(engine) as conn, conn.transaction():
            for group in groups:
                cols = [c for c in table.columns if c in group[0]]
                if not cols:
                    for _ in group:
                        await conn.execute(f"INSERT INTO {qt} DEFAULT VALUES")
                    affected += len(group)
                    continue
                collist = ", ".join(f'"{c}"' for c in cols)
                sql = (
                    f"INSERT INTO {qt} ({collist}) SELECT {collist}"
                    f" FROM json_populate_recordset(NULL::{qt}, $1::json)"
                )
                status = await conn.execute(sql, json.dumps(group))
                affected += int(status.split()[-1])
    except asyncpg.PostgresError as exc:
        raise AdminError(str(exc), "postgres-error") from exc
    return {"affected_rows": affected}


# ---------------------------------------------------------------------------- dispatch

_PG_PREFIX = "pg_"


async def handle_metadata(engine: Engine, body: Any) -> Any:
    if not isinstance(body, dict) or "type" not in body:
        raise AdminError('key "type" not found', "parse-failed")
    op = body["type"]
    args = body.get("args") or {}
    version = body.get("version", 1)
    if op in ("bulk", "bulk_atomic"):
        return await run_bulk(engine, args, handle_metadata)
    if op == "bulk_keep_going":
        return [await handle_metadata(engine, q) for q in args]
    if op == "export_metadata":
        if version == 2:
            return {"resource_version": engine.resource_version, "metadata": exported(engine.doc)}
        return exported(engine.doc)
    if op == "replace_metadata":
        allow = False
        meta = args
        if version == 2 or "metadata" in args:
            allow = bool(args.get("allow_inconsistent_metadata", False))
            meta = args.get("metadata") or {}
        rv = body.get("resource_version")
        if rv is not None and rv != engine.resource_version:
            raise AdminError(
                f"metadata resource version referenced ({rv}) did not match current version",
                "conflict",
                status=409,
            )
        doc = copy.deepcopy(meta)
        doc.setdefault("version", 3)
        doc.setdefault("sources", [])
        assert engine.catalog is not None
        model = qc.resolve(doc, engine.catalog, engine.settings.infer_function_permissions)
        if model.inconsistencies and not allow:
            raise AdminError(
                "cannot continue due to inconsistent metadata",
                "unexpected",
                path="$.args",
                internal=model.inconsistencies,
            )
        engine.model = None  # force _commit to compare against nothing
        engine.model = md.Model({}, {}, {}, set(), [])
        await _commit(engine, doc, allow_inconsistent=True)
        if model.inconsistencies:
            return _inconsistency_report(model)
        return SUCCESS if version != 2 else {**SUCCESS, "resource_version": engine.resource_version}
    if op == "reload_metadata":
        model = await engine.reload(_bulk_conn.get())
        return (
            {**SUCCESS, **_inconsistency_report(model)}
            if model.inconsistencies
            else {**SUCCESS, "is_consistent": True}
        )
    if op == "get_inconsistent_metadata":
        assert engine.model is not None
        return _inconsistency_report(engine.model)
    if op == "drop_inconsistent_metadata":
        assert engine.model is not None
        return SUCCESS
    if op == "clear_metadata":
        doc = {
            "version": 3,
            "sources": [{**s, "tables": [], "functions": []} for s in engine.doc.get("sources") or []],
        }
        await _commit(engine, doc)
        return SUCCESS
    if op == "get_catalog_state":
        if not engine.catalog_state["id"]:
            engine.catalog_state["id"] = str(uuid.uuid4())
        return engine.catalog_state
    if op == "set_catalog_state":
        kind = args.get("type")
        if kind not in ("cli", "console"):
            raise AdminError('expected "cli" or "console"', "parse-failed", path="$.args.type")
        engine.catalog_state[f"{kind}_state"] = args.get("state") or {}
        return SUCCESS
    if op == "run_sql":
        return await run_sql(engine, args)
    if op in engine.metadata_handlers:
        return await engine.metadata_handlers[op](engine, args)
    if op in limits_api.OPERATIONS:
        try:
            doc = limits_api.OPERATIONS[op](engine.doc, args)
        except GQLError as exc:
            raise AdminError(exc.message, exc.code, path=exc.path) from exc
        await apply_document(engine, doc)
        return SUCCESS
    if op.startswith(_PG_PREFIX):
        op = op[len(_PG_PREFIX) :]
    return await _edit(engine, op, args)


async def handle_query_v1(engine: Engine, body: Any) -> Any:
    if not isinstance(body, dict) or "type" not in body:
        raise AdminError('key "type" not found', "parse-failed")
    op = body["type"]
    args = body.get("args") or {}
    if op == "bulk":
        return await run_bulk(engine, args, handle_query_v1)
    if op == "run_sql":
        return await run_sql(engine, args)
    if op == "insert":
        return await legacy_insert(engine, args)
    return await handle_metadata(engine, body)


async def handle_query_v2(engine: Engine, body: Any) -> Any:
    if not isinstance(body, dict) or "type" not in body:
        raise AdminError('key "type" not found', "parse-failed")
    op = body["type"]
    args = body.get("args") or {}
    if op == "bulk":
        return await run_bulk(engine, args, handle_query_v2)
    if op == "run_sql":
        return await run_sql(engine, args)
    raise AdminError(f"unknown query type: {op}", "not-supported", path="$.type")
