"""The engine: metadata + catalog + per-role schemas + plan cache + the asyncpg pool, and the /v1/graphql
request path (auth → plan → bind → one SQL round trip → JSON splice).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import asyncpg
from graphql import (
    REMOVE,
    GraphQLError,
    NoUnusedVariablesRule,
    Visitor,
    execute_sync,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.language import ast as gast

from devdb import pgserver
from gqlengine.graphql.actions import ActionTypes, call_action
from gqlengine.graphql.allowlist import Allowlist
from gqlengine.graphql.auth import AuthConfig, Session, resolve_session
from gqlengine.graphql.compile import Compiled, Compiler, GQLError, MutationPlan, Param, to_text
from gqlengine.graphql.errors import translate, variable_error
from gqlengine.graphql.leniency import relax
from gqlengine.graphql.limits import ApiLimits, Limiter, Shape, measure
from gqlengine.graphql.schema import RoleSchema, build_role_schema
from gqlengine.metadata import catalog as catalog_mod
from gqlengine.metadata import model as md
from gqlengine.metadata import query_collections as qc

log = logging.getLogger("gqlengine")
_T = TypeVar("_T")

PLAN_CACHE_SIZE = 2000
# PostgreSQL's limits a statement must stay within (a target list's columns; the protocol's bind parameters,
# of which asyncpg allows half): past them the database's error would read as a bug.
MAX_ROOT_COLUMNS = 1664
MAX_PARAMS = 32767
# Hasura accepts declared-but-unused variables; it refuses undeclared ones instead (see _run).
_RULES = [r for r in specified_rules if r is not NoUnusedVariablesRule]


@dataclass
class Settings:
    metadata_dir: Path | None
    database_url: str | None = None
    auth: AuthConfig = field(default_factory=AuthConfig)
    stringify_numeric: bool = False
    dev_mode: bool = False
    # HASURA_GRAPHQL_ADMIN_INTERNAL_ERRORS: `extensions.internal` (SQL, Postgres error) for the admin role.
    admin_internal_errors: bool = True
    # HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS: a role that may select a function's rows may call it.
    infer_function_permissions: bool = True
    pool_size: int = 10
    # HASURA_GRAPHQL_ENABLE_ALLOWLIST: non-admin requests must be queries of an allow-listed collection.
    enable_allowlist: bool = False

    @classmethod
    def from_env(cls, metadata_dir: Path | None = None) -> Settings:
        env = os.environ
        return cls(
            metadata_dir=metadata_dir,
            database_url=None,
            auth=AuthConfig.from_env(),
            stringify_numeric=env.get("HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES", "false").lower() == "true",
            dev_mode=env.get("HASURA_GRAPHQL_DEV_MODE", "false").lower() == "true",
            admin_internal_errors=env.get("HASURA_GRAPHQL_ADMIN_INTERNAL_ERRORS", "true").lower() == "true",
            pool_size=int(env.get("HASURA_GRAPHQL_PG_CONNECTIONS", "10")),
            enable_allowlist=env.get("HASURA_GRAPHQL_ENABLE_ALLOWLIST", "false").lower() == "true",
            infer_function_permissions=env.get("HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS", "true").lower()
            == "true",
        )


class Service(Protocol):
    """Something that lives alongside the engine (event delivery, cron scheduler): started after the first
    metadata load, told about every reload (the metadata document may have changed), stopped on shutdown."""

    async def on_start(self, engine: Engine) -> None: ...
    async def on_reload(self, engine: Engine) -> None: ...
    async def on_stop(self, engine: Engine) -> None: ...


# A metadata API call served outside this module: (engine, args) -> JSON answer.
MetadataHandler = Callable[["Engine", Any], Awaitable[Any]]


@dataclass
class _CacheEntry:
    document: gast.DocumentNode
    operation: gast.OperationDefinitionNode
    shape: Shape = field(default_factory=lambda: Shape(0, 0))  # what the api limits measure, counted once
    structural: tuple[str, ...] = ()
    plans: dict[tuple[str, ...], Compiled] = field(default_factory=dict)
    # The same operation without the arguments whose variables the client left out, per such set.
    without: dict[frozenset[str], _CacheEntry] = field(default_factory=dict)


class _DropUndefined(Visitor):
    """Removes arguments and input-object fields whose value is a variable the request did not send: Hasura
    (and the GraphQL spec) treat them as absent, not as null."""

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names

    def _drop(self, node: gast.ArgumentNode | gast.ObjectFieldNode) -> Any:
        if isinstance(node.value, gast.VariableNode) and node.value.name.value in self.names:
            return REMOVE
        return None

    def enter_argument(self, node: gast.ArgumentNode, *_: Any) -> Any:
        return self._drop(node)

    def enter_object_field(self, node: gast.ObjectFieldNode, *_: Any) -> Any:
        return self._drop(node)


class _NoEmptySelections(Visitor):
    """graphql-core parses `{ }`; the GraphQL grammar (and Hasura's parser) does not: a selection set
    selects something (an empty one compiled to SQL PostgreSQL refused)."""

    def enter_selection_set(self, node: gast.SelectionSetNode, *_: Any) -> None:
        if not node.selections:
            raise GraphQLError("Syntax Error: Expected Name, found '}'.")


def _without_undefined(entry: _CacheEntry, names: frozenset[str], op_name: str | None) -> _CacheEntry:
    variant = entry.without.get(names)
    if variant is None:
        document = visit(entry.document, _DropUndefined(names))
        variant = _CacheEntry(document, _operation(document, op_name))
        entry.without[names] = variant
    return variant


def _operation(document: gast.DocumentNode, name: str | None) -> gast.OperationDefinitionNode:
    ops = [d for d in document.definitions if isinstance(d, gast.OperationDefinitionNode)]
    if name:
        for op in ops:
            if op.name and op.name.value == name:
                return op
        raise GQLError(f"no such operation found in the document: {json.dumps(name)}", path="$")
    if len(ops) != 1:
        raise GQLError(
            "exactly one operation has to be present in the document when operationName is not specified",
            path="$",
        )
    return ops[0]


def _schema_key(role: str, backend: bool) -> str:
    return f"{role}\x00backend" if backend else role


def _raw(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


async def keep_session(conn: asyncpg.Connection) -> None:
    """The pool's reset: skip asyncpg's default session reset, a round trip on every release.

    GraphQL requests leave nothing behind (session variables are set transaction-locally); only `run_sql`
    can, and it resets its connection itself. asyncpg still rolls back an open transaction before this.
    """


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: asyncpg.Pool | None = None
        self.doc: Any = {"version": 3, "sources": []}
        self.catalog: catalog_mod.Catalog | None = None
        self.model: md.Model | None = None
        self.role_schemas: dict[str, RoleSchema] = {}
        self.plans: OrderedDict[tuple[str, str, str | None], _CacheEntry] = OrderedDict()
        self.http: Any = None  # httpx.AsyncClient for actions, created lazily
        self.catalog_state: dict[str, Any] = {"id": "", "cli_state": {}, "console_state": {}}
        self.resource_version = 1
        self.services: list[Service] = []
        # Extra /v1/metadata operations (e.g. pg_create_event_trigger) registered by services.
        self.metadata_handlers: dict[str, MetadataHandler] = {}
        self._limiter = Limiter()
        self._limits_raw: Any = None
        # Two threads for planning new documents: a flood of huge ones cannot take every core from the loop.
        self.planner = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gqlengine-plan")
        self.allowlist = Allowlist()

    # ---------------------------------------------------------------- lifecycle
    async def database_url(self) -> str:
        """The engine's setting, else the source's `from_env`, else DATABASE_URL / the embedded server."""
        if self.settings.database_url:
            return self.settings.database_url
        source = next(iter(self.doc.get("sources") or []), None)
        url = md.source_url(source) if source else None
        if url:
            return url
        # server_url() may start the embedded server with its own event loop: keep it off this one.
        env_url = os.environ.get("DATABASE_URL")
        if env_url:
            return env_url
        return await asyncio.to_thread(pgserver.server_url)

    async def start(self) -> None:
        if self.settings.metadata_dir is not None and (self.settings.metadata_dir / "version.yaml").exists():
            self.doc = md.load_directory(self.settings.metadata_dir)
        self.pool = await asyncpg.create_pool(
            await self.database_url(),
            min_size=1,
            max_size=self.settings.pool_size,
            statement_cache_size=1024,
            max_cached_statement_lifetime=0,
            reset=keep_session,
        )
        await self.reload()
        for service in self.services:
            await service.on_start(self)

    async def close(self) -> None:
        for service in reversed(self.services):
            await service.on_stop(self)
        if self.http is not None:
            await self.http.aclose()
        if self.pool is not None:
            await self.pool.close()
        self.planner.shutdown(wait=False, cancel_futures=True)

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; failing to get one is an outage (`DatabaseUnavailable`), whatever the cause
        (refused, reset, shutting down, not accepting connections)."""
        assert self.pool is not None
        try:
            conn = await self.pool.acquire()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        try:
            yield conn
        finally:
            await self.pool.release(conn)

    def limiter(self) -> Limiter:
        """The api limits of the current metadata document (its rate windows survive a change of limits)."""
        raw = self.doc.get("api_limits")
        if raw is not self._limits_raw:
            self._limits_raw = raw
            try:
                self._limiter = Limiter(ApiLimits.parse(raw), self._limiter.windows)
            except GQLError as exc:  # set_api_limits and start refuse these; keep the limits in force
                log.error("api_limits ignored, keeping the previous limits: %s", exc.message)
        return self._limiter

    async def reload(self, conn: asyncpg.Connection | None = None) -> md.Model:
        """Introspect the database and resolve the metadata again. With `conn` (a transaction still open, as
        in a `bulk`), only the model changes: services and pooled connections are told after it commits."""
        assert self.pool is not None
        ApiLimits.parse(self.doc.get("api_limits"))  # refuse to serve with limits that do not parse
        if conn is not None:
            await self._resolve(conn)
            return self.model  # type: ignore[return-value]
        async with self.pool.acquire() as pooled:
            await self._resolve(pooled)
        # Statements prepared against the old catalog may reference dropped objects.
        await self.pool.expire_connections()
        assert self.model is not None
        if self.model.inconsistencies:
            log.warning("inconsistent metadata:\n%s", md.format_inconsistencies(self.model.inconsistencies))
        await self.notify_services()
        return self.model

    async def _resolve(self, conn: asyncpg.Connection) -> None:
        self.catalog = await catalog_mod.introspect(conn)
        self.model = qc.resolve(self.doc, self.catalog, self.settings.infer_function_permissions)
        await md.load_enum_values(conn, self.model)
        self.role_schemas = {}
        self.plans.clear()

    async def notify_services(self) -> None:
        """Tell services the metadata document or catalog changed (no-op before start)."""
        if self.pool is None:
            return
        for service in self.services:
            await service.on_reload(self)

    def role_schema(self, role: str, backend: bool = False) -> RoleSchema:
        """The role's schema; `backend` adds its backend_only mutations (a separate schema and plans)."""
        backend = backend and role != "admin"
        key = _schema_key(role, backend)
        rs = self.role_schemas.get(key)
        if rs is None:
            assert self.model is not None
            rs = build_role_schema(
                self.model, role, ActionTypes(self.model), backend, self.settings.infer_function_permissions
            )
            self.role_schemas[key] = rs
        return rs

    # ---------------------------------------------------------------- GraphQL
    async def graphql(
        self, body: Any, headers: dict[str, str], request_id: str | None = None, client: str | None = None
    ) -> str:
        """The /v1/graphql response body (always HTTP 200)."""
        session: Session | None = None
        try:
            session = resolve_session(self.settings.auth, headers)
            if isinstance(body, list):
                self.limiter().check_batch(session, len(body))
                parts = [await self._one(item, session, headers, request_id, client) for item in body]
                return "[" + ",".join(parts) + "]"
            return await self._one(body, session, headers, request_id, client)
        except GQLError as exc:
            return self.error_body(exc, session)
        except Exception:  # a bug must still answer in Hasura's envelope, never a bare 500
            log.exception("unexpected error serving a GraphQL request")
            error = {"message": "internal error", "extensions": {"path": "$", "code": "unexpected"}}
            return _raw({"errors": [error]})

    async def _one(
        self, body: Any, session: Session, headers: dict[str, str], request_id: str | None, client: str | None
    ) -> str:
        try:
            _, answer = await self.prepare(body, session, headers, over_http=True, client=client)
            return await answer()
        except GQLError as exc:
            return self.error_body(exc, session)
        except RecursionError:  # a document or value nested beyond what the checks before caught
            return self.error_body(too_deep(), session)
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("database unavailable (request %s): %s", request_id, exc)
                return self.error_body(unavailable(request_id), session)
            raise

    def _internal_errors(self, session: Session | None) -> bool:
        """Whether errors carry `extensions.internal`: dev mode, or the admin role unless turned off."""
        if self.settings.dev_mode:
            return True
        return session is not None and session.is_admin and self.settings.admin_internal_errors

    async def _off_loop(self, work: Callable[..., _T], *args: Any) -> _T:
        """CPU work a request can make large (parsing, validating, compiling a new document) runs beside
        the event loop, so one huge request slows the others (GIL) instead of stopping them."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self.planner, work, *args)
        except RecursionError as exc:  # graphql-core's parser and validation recurse per nesting level
            raise too_deep() from exc

    async def _entry(self, rs: RoleSchema, query: str, op_name: str | None, backend: bool) -> _CacheEntry:
        key = (_schema_key(rs.role, backend), query, op_name)
        entry = self.plans.get(key)
        if entry is not None:
            self.plans.move_to_end(key)
            return entry
        entry = await self._off_loop(self._parsed_entry, rs, query, op_name)
        self.plans[key] = entry
        if len(self.plans) > PLAN_CACHE_SIZE:
            self.plans.popitem(last=False)
        return entry

    @staticmethod
    def _parsed_entry(rs: RoleSchema, query: str, op_name: str | None) -> _CacheEntry:
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
            visit(document, _NoEmptySelections())
        except GraphQLError as exc:
            raise GQLError("not a valid graphql query", "validation-failed", "$.query") from exc
        op: gast.OperationDefinitionNode | None = None
        try:
            op = _operation(document, op_name)
        except GQLError:
            op = None
        if op is not None and op.operation == gast.OperationType.MUTATION and rs.schema.mutation_type is None:
            raise GQLError("no mutations exist", "validation-failed", "$")
        errors = validate(rs.schema, document, _RULES)
        if errors:
            relaxed, errors = relax(rs.schema, document, errors)
            if relaxed is not document:
                document = relaxed
                op = _operation(document, op_name) if op is not None else None
                _, errors = relax(rs.schema, document, validate(rs.schema, document, _RULES))
        if errors:
            raise translate(errors[0], document, op, rs.schema)
        if op is None:
            op = _operation(document, op_name)
        return _CacheEntry(document, op, measure(document, op))

    def error_body(self, exc: GQLError, session: Session | None) -> str:
        """A GraphQL error response body, with `internal` details where the session may see them."""
        return _raw({"errors": [exc.to_json(self._internal_errors(session))]})

    async def prepare(
        self,
        body: Any,
        session: Session,
        headers: dict[str, str],
        over_http: bool = False,
        client: str | None = None,
    ) -> tuple[str, Callable[[], Awaitable[str]]]:
        """Check a request and plan it; the coroutine it returns answers it (again on every call: a live
        query's websocket calls it each refetch interval). Subscriptions are refused over HTTP, as Hasura
        does. The role's api limits apply: rate and shape here, time to each answer."""
        limiter = self.limiter()
        limiter.check_rate(session, client)
        operation, answer = await self._prepare(body, session, headers, over_http)
        seconds = limiter.time_limit(session)
        if seconds is None:
            return operation, answer

        async def within_time_limit() -> str:
            try:
                return await asyncio.wait_for(answer(), seconds)
            except TimeoutError as exc:
                raise Limiter.timed_out(seconds) from exc

        return operation, within_time_limit

    async def _prepare(
        self, body: Any, session: Session, headers: dict[str, str], over_http: bool
    ) -> tuple[str, Callable[[], Awaitable[str]]]:
        if (
            isinstance(body, dict)
            and isinstance(body.get("extensions"), dict)
            and ("persistedQuery" in body["extensions"])
        ):
            raise GQLError("Automatic Persisted Queries is not enabled", "not-supported", "$")
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            raise GQLError("the key 'query' was not present", "parse-failed", "$")
        assert self.model is not None
        if self.settings.enable_allowlist and not session.is_admin:
            self.allowlist.check(self.doc, body["query"])
        backend = session.backend_only and not session.is_admin
        rs = self.role_schema(session.role, backend)
        op_name = body.get("operationName") or None
        if op_name is not None and not isinstance(op_name, str):
            raise GQLError("operationName must be a string", "parse-failed", "$.operationName")
        entry = await self._entry(rs, body["query"], op_name, backend)
        self.limiter().check_shape(session, entry.shape)
        raw_vars = body.get("variables") or {}
        if not isinstance(raw_vars, dict):
            raise GQLError("variables must be an object", "parse-failed", "$.variables")
        declared = {v.variable.name.value for v in entry.operation.variable_definitions or ()}
        unexpected = sorted(set(raw_vars) - declared)
        if unexpected:
            raise GQLError(f"unexpected variables in variableValues: {', '.join(unexpected)}", path="$")
        coerced = get_variable_values(rs.schema, entry.operation.variable_definitions or [], raw_vars)
        if isinstance(coerced, list):
            raise variable_error(coerced[0].message, rs.schema, entry.operation, entry.document)
        # graphql-core 3.3 wraps the values (`.coerced`); 3.2 returns the dict itself.
        variables = cast(dict[str, Any], getattr(coerced, "coerced", coerced))
        undefined = frozenset(
            v.variable.name.value
            for v in entry.operation.variable_definitions or ()
            if v.variable.name.value not in variables
        )
        if undefined:
            entry = _without_undefined(entry, undefined, op_name)
        plan = await self._plan(rs, entry, variables)
        if plan.operation == "mutation" and not plan.items:
            raise GQLError("no mutations exist", "validation-failed")
        if plan.operation == "subscription" and over_http:
            raise GQLError(
                "subscriptions are not supported over HTTP, use websockets instead", "validation-failed"
            )
        query = body["query"]
        stream = next((i for i in plan.items if i.kind == "stream"), None)
        if stream is not None:
            return plan.operation, self._stream(plan, stream, variables, session)
        if plan.operation == "mutation":
            return plan.operation, lambda: self._run_mutation(
                plan, variables, session, headers, query, rs, entry
            )
        return plan.operation, lambda: self._answer(
            plan, rs, entry, variables, raw_vars, session, headers, query
        )

    def _stream(
        self, plan: Compiled, item: Any, variables: dict[str, Any], session: Session
    ) -> Callable[[], Awaitable[str]]:
        """A streaming subscription's next batch on each call ("" when no row is past the cursor yet)."""
        sql, initial = item.value
        state: dict[str, Any] = {"cursor": initial}

        async def batch() -> str:
            args = [self._bind(p, variables, session, state) for p in plan.params]
            row = await self._fetch(sql, args, session)
            if row[1] is None:
                return ""
            state["cursor"] = row[1]
            return '{"data":{' + f"{_raw(item.alias)}:{row[0]}" + "}}"

        return batch

    async def _answer(
        self,
        plan: Compiled,
        rs: RoleSchema,
        entry: _CacheEntry,
        variables: dict[str, Any],
        raw_vars: dict[str, Any],
        session: Session,
        headers: dict[str, str],
        query: str,
    ) -> str:
        values: dict[int, str | None] = {}
        if plan.sql is not None:
            args = [self._bind(p, variables, session) for p in plan.params]
            row = await self._fetch(plan.sql, args, session)
            values = {i: row[i] for i in range(len(row))}
        out: list[str] = []
        for item in plan.items:
            if item.kind == "sql":
                raw = values.get(item.index)
                out.append(f"{_raw(item.alias)}:{raw if raw is not None else 'null'}")
            elif item.kind == "typename":
                out.append(f"{_raw(item.alias)}:{_raw(item.value)}")
            elif item.kind == "introspection":
                result = self._introspect(rs, entry, item.value, raw_vars)
                out.append(f"{_raw(item.alias)}:{_raw(result)}")
            elif item.kind == "action":
                result = await self._call_action(item, rs, entry, variables, session, headers, query)
                out.append(f"{_raw(item.alias)}:{_raw(result)}")
        return '{"data":{' + ",".join(out) + "}}"

    async def _call_action(
        self,
        item: Any,
        rs: RoleSchema,
        entry: _CacheEntry,
        variables: dict[str, Any],
        session: Session,
        headers: dict[str, str],
        query: str,
    ) -> Any:
        """An action root field: the handler's answer. Hasura never rolls a handler back with the request."""
        assert self.model is not None
        name, nodes = item.value
        return await call_action(
            self, rs, self.model.actions[name], nodes, entry.document, variables, session, headers, query
        )

    async def _run_mutation(
        self,
        plan: Compiled,
        variables: dict[str, Any],
        session: Session,
        headers: dict[str, str],
        query: str,
        rs: RoleSchema,
        entry: _CacheEntry,
    ) -> str:
        """Every root field in order, all database ones in one transaction (any failure rolls back all)."""
        assert self.pool is not None and self.model is not None
        out: list[str] = []
        async with self.connection() as conn:
            tx = conn.transaction()
            await tx.start()
            try:
                # Event triggers read the session from here (hdb_catalog.insert_event_log).
                await conn.execute("select set_config('hasura.user', $1, true)", _raw(session.payload()))
                for item in plan.items:
                    if item.kind == "typename":
                        out.append(f"{_raw(item.alias)}:{_raw(item.value)}")
                    elif item.kind == "action":
                        result = await self._call_action(item, rs, entry, variables, session, headers, query)
                        out.append(f"{_raw(item.alias)}:{_raw(result)}")
                    elif item.kind == "mutation":
                        answer = await self._mutate(conn, item.value, variables, session)
                        out.append(f"{_raw(item.alias)}:{answer}")
                    elif item.kind == "mutation_many":
                        answers = [await self._mutate(conn, m, variables, session) for m in item.value]
                        out.append(f"{_raw(item.alias)}:[{','.join(answers)}]")
            except BaseException:
                await tx.rollback()
                raise
            await tx.commit()
        return '{"data":{' + ",".join(out) + "}}"

    async def _mutate(
        self, conn: asyncpg.Connection, m: MutationPlan, variables: dict[str, Any], session: Session
    ) -> str:
        """One mutation statement inside the request's transaction; its JSON answer."""
        nested: dict[str, Any] = {}
        if m.steps:
            rows: list[Any] = []
            for step in m.steps:
                step_args = [self._bind(p, variables, session, {"rows": rows}) for p in step.params]
                answer = await _checked_row(conn, step.sql, step_args, m.path)
                rows.append(json.loads(answer) if answer is not None else None)
            inserted = [rows[i] for i in m.roots if rows[i] is not None]
            nested = {"nested_rows": _raw(inserted), "nested_count": str(sum(r is not None for r in rows))}
        args = [self._bind(p, variables, session, nested) for p in m.params]
        answer = await _checked_row(conn, m.sql, args, m.path)
        return answer if answer is not None else "null"

    async def _plan(self, rs: RoleSchema, entry: _CacheEntry, variables: dict[str, Any]) -> Compiled:
        key = tuple(_raw(variables.get(v)) for v in entry.structural)
        plan = entry.plans.get(key)
        if plan is not None:
            return plan
        assert self.model is not None
        compiler = Compiler(self.model, rs, entry.document, variables, self.settings.stringify_numeric)
        plan = await self._off_loop(compiler.compile_operation, entry.operation)
        if len(plan.params) > MAX_PARAMS:
            raise GQLError(
                f"the operation needs {len(plan.params)} values, more than the {MAX_PARAMS} a database "
                "statement takes; split it",
                "validation-failed",
            )
        sql_items = sum(1 for i in plan.items if i.kind == "sql")
        if sql_items > MAX_ROOT_COLUMNS:
            raise GQLError(
                f"the operation has {sql_items} root fields, more than the {MAX_ROOT_COLUMNS} a database "
                "statement returns; split it",
                "validation-failed",
            )
        structural = tuple(sorted(set(entry.structural) | plan.structural_vars))
        if structural != entry.structural:
            entry.structural = structural
            entry.plans.clear()
            key = tuple(_raw(variables.get(v)) for v in structural)
        if len(entry.plans) < 64:
            entry.plans[key] = plan
        return plan

    @staticmethod
    def _bind(
        p: Param, variables: dict[str, Any], session: Session, nested: dict[str, Any] | None = None
    ) -> Any:
        if p.kind == "lit":
            return p.value
        if p.kind == "ref":  # a column of a row inserted earlier in the same nested insert
            assert nested is not None
            step, column = p.value
            row = nested["rows"][step]
            if row is None:
                raise GQLError("a related row of the nested insert was not inserted", "unexpected")
            return to_text(row.get(column))
        if p.kind == "cursor":  # a streaming subscription's position
            assert nested is not None
            return nested["cursor"]
        if p.kind in ("nested_rows", "nested_count"):
            assert nested is not None
            return nested[p.kind]
        if p.kind == "var":
            v = variables.get(p.value)
            if v is None and p.null_error is not None:
                raise GQLError(p.null_error[0], path=p.null_error[1])
            if p.array:
                if v is None:
                    return None
                return [to_text(x) for x in (v if isinstance(v, list) else [v])]
            if p.json and v is not None:
                return _raw(v)
            return to_text(v)
        if p.kind == "session":
            if p.value == "x-hasura-role":
                return session.role
            if p.value not in session.variables:
                raise GQLError(f'missing session variable: "{p.value}"', "not-found")
            return session.variables[p.value]
        return _raw(session.payload())

    async def _fetch(self, sql: str, args: list[Any], session: Session) -> asyncpg.Record:
        assert self.pool is not None
        try:
            async with self.connection() as conn:
                return await conn.fetchrow(sql, *args)
        except asyncpg.PostgresError as exc:
            if is_unavailable(exc):
                raise
            raise pg_error(exc, sql) from exc

    def _introspect(
        self, rs: RoleSchema, entry: _CacheEntry, nodes: list[gast.FieldNode], variables: dict[str, Any]
    ) -> Any:
        op = gast.OperationDefinitionNode(
            operation=gast.OperationType.QUERY,
            name=None,
            directives=(),
            variable_definitions=entry.operation.variable_definitions,
            selection_set=gast.SelectionSetNode(selections=tuple(nodes)),
        )
        frags = tuple(d for d in entry.document.definitions if isinstance(d, gast.FragmentDefinitionNode))
        doc = gast.DocumentNode(definitions=(op, *frags))
        result = execute_sync(rs.schema, doc, variable_values=variables)
        if result.errors:
            raise GQLError(result.errors[0].message, "unexpected")
        data = result.data or {}
        return next(iter(data.values()), None)


_INTEGRITY = {
    "23001": ("constraint-violation", "Can not delete or update due to data being referred. "),
    "23502": ("constraint-violation", "Not-NULL violation. "),
    "23503": ("constraint-violation", "Foreign key violation. "),
    "23505": ("constraint-violation", "Uniqueness violation. "),
    "23514": ("permission-error", "Check constraint violation. "),
    "23P01": ("constraint-violation", "Exclusion violation. "),
}


def pg_error(exc: asyncpg.PostgresError, sql: str, path: str = "$") -> GQLError:
    state = getattr(exc, "sqlstate", "") or ""
    # The primary message only: Hasura keeps DETAIL in `internal.error.description`.
    message = getattr(exc, "message", None) or str(exc)
    # Hasura's DML error handler: these are the client's doing and carry no `internal` details.
    if state == "22025":  # invalid escape sequence (a LIKE pattern): a bad request
        return GQLError(message, "bad-request", path)
    if state.startswith("22"):
        return GQLError(message, "data-exception", path)
    if state.startswith("23"):
        code, prefix = _INTEGRITY.get(state, ("constraint-violation", ""))
        return GQLError(prefix + message, code, path)
    if state == "42P10":
        message = "there is no unique or exclusion constraint on target column(s)"
        return GQLError(message, "constraint-error", path)
    if state == "42704":
        return GQLError(message, "constraint-error", path)
    internal = {
        "statement": sql,
        "prepared": True,
        "error": {
            "exec_status": "FatalError",
            "hint": getattr(exc, "hint", None),
            "message": message,
            "status_code": state,
            "description": getattr(exc, "detail", None),
        },
        "arguments": [],
    }
    if state == "40001":
        return GQLError("serialization failure", "concurrent-update", path, internal=internal)
    if state.startswith("54"):  # program_limit_exceeded: the request is too large for one statement
        message = f"the operation exceeds a database limit: {message}"
        return GQLError(message, "validation-failed", path, internal=internal)
    return GQLError("database query error", "unexpected", path, internal=internal)


# Too many tokens for one document: parsing alone would cost more than any request of this project needs.
MAX_TOKENS = 100_000

# SQLSTATEs of a database that is not there: connection exceptions (08), shutdown and start-up (57P01-57P03),
# no connection slot (53300).
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03", "53300")


class DatabaseUnavailable(Exception):
    """No connection to the database could be had."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (worth retrying), rather than refusing a request."""
    if isinstance(exc, asyncpg.PostgresError):
        state = getattr(exc, "sqlstate", "") or ""
        return state.startswith("08") or state in _UNAVAILABLE_STATES
    return isinstance(
        exc,
        DatabaseUnavailable
        | OSError
        | TimeoutError
        | asyncpg.InterfaceError  # ConnectionDoesNotExistError: the server closed the connection
        | asyncpg.exceptions.InternalClientError,
    )


def unavailable(request_id: str | None) -> GQLError:
    """A database outage: retryable; the request id lets a client and an operator find the same event."""
    extensions: dict[str, Any] = {"path": "$", "code": "postgres-error", "retryable": True}
    if request_id is not None:
        extensions["request_id"] = request_id
    return GQLError("database unavailable, retry later", "postgres-error", extensions=extensions)


def too_deep() -> GQLError:
    return GQLError("the query is nested too deeply", "validation-failed", "$.query")


async def _checked_row(conn: asyncpg.Connection, sql: str, args: list[Any], path: str) -> Any:
    """A mutation statement's JSON answer; its second column says a permission check failed."""
    try:
        row = await conn.fetchrow(sql, *args)
    except asyncpg.PostgresError as exc:
        if is_unavailable(exc):
            raise
        raise pg_error(exc, sql, path) from exc
    if row[1]:
        raise GQLError("check constraint of an insert/update permission has failed", "permission-error", path)
    return row[0]
