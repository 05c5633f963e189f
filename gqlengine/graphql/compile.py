"""GraphQL selection → one parameterised SQL statement that builds the JSON answer in PostgreSQL.

Values never enter the SQL text: literals, variables and session variables become `Param`s bound at
execution time (all sent as text and cast to the column type in SQL, so one prepared statement serves every
value). Identifiers come from the catalog and metadata and are always quoted; JSON keys are GraphQL names
(validated by the parser) written as SQL string literals.

A variable used where a structure is expected (`where: $w`, `order_by: $o`) makes the SQL depend on its
value: such variables are recorded in `Compiled.structural_vars` and the plan cache keys on their values.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql.language import ast as gast

from gqlengine.graphql.schema import ADMIN, RoleSchema, TableView, scalar_name
from gqlengine.metadata.model import Model, TrackedTable, table_key

# --------------------------------------------------------------------------- errors


class GQLError(Exception):
    """An error Hasura reports in the GraphQL envelope: `{"message", "extensions": {"path", "code"}}`."""

    def __init__(
        self,
        message: str,
        code: str = "validation-failed",
        path: str = "$",
        extensions: dict[str, Any] | None = None,
        internal: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path
        self.extensions = extensions
        self.internal = internal

    def to_json(self, admin: bool = False) -> dict[str, Any]:
        if self.extensions is not None:
            return {"message": self.message, "extensions": self.extensions}
        ext: dict[str, Any] = {"path": self.path, "code": self.code}
        if admin and self.internal is not None:
            ext["internal"] = self.internal
        return {"message": self.message, "extensions": ext}


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class NonNullVar(Var):
    """A variable in an operand position, where Hasura refuses null."""

    null_error: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Param:
    """Where a bound value comes from: a literal, a request variable, or a session variable."""

    kind: str  # "lit" | "var" | "session" | "session_json"
    value: Any  # literal value, variable name, or session variable name
    array: bool = False  # bind as text[] (list of texts)
    json: bool = False  # a json/jsonb value: bind its JSON text (a GraphQL string "a" is the JSON '"a"')
    null_error: tuple[str, str] | None = None  # (message, path) when a null value must be refused


def _ast_value(node: gast.ValueNode) -> Any:
    if isinstance(node, gast.VariableNode):
        return Var(node.name.value)
    if isinstance(node, gast.NullValueNode):
        return None
    if isinstance(node, gast.IntValueNode):
        return int(node.value)
    if isinstance(node, gast.FloatValueNode):
        value = float(node.value)
        if not math.isfinite(value):  # 1e400: no column or JSON value holds it
            raise GQLError(f"the number {node.value[:40]} is out of range (beyond a 64-bit float)")
        return value
    if isinstance(node, gast.StringValueNode | gast.EnumValueNode):
        return node.value
    if isinstance(node, gast.BooleanValueNode):
        return node.value
    if isinstance(node, gast.ListValueNode):
        return [_ast_value(v) for v in node.values]
    if isinstance(node, gast.ObjectValueNode):
        return {f.name.value: _ast_value(f.value) for f in node.fields}
    raise GQLError("unexpected value")


def fragment_definitions(document: gast.DocumentNode) -> dict[str, gast.FragmentDefinitionNode]:
    """The document's fragments by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, gast.FragmentDefinitionNode)}


def collect_fields(
    selection_sets: list[Any],
    fragments: dict[str, gast.FragmentDefinitionNode],
    included: Callable[[Any], bool] = lambda _: True,
) -> dict[str, list[gast.FieldNode]]:
    """The fields of the selection sets merged under one response key, grouped by response key (the
    GraphQL spec's CollectFields). A fragment is expanded once per merged selection (the spec's
    visitedFragments, shared by every node of the key) and a field node is listed once: fragments that
    spread the next one twice, level after level, cost the size of the document instead of 2^levels."""
    out: dict[str, list[gast.FieldNode]] = {}
    visited: set[str] = set()
    listed: set[int] = set()

    def walk(selections: Any) -> None:
        for sel in selections.selections if selections else ():
            if not included(sel):
                continue
            if isinstance(sel, gast.FieldNode):
                if id(sel) not in listed:
                    listed.add(id(sel))
                    out.setdefault((sel.alias or sel.name).value, []).append(sel)
            elif isinstance(sel, gast.InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, gast.FragmentSpreadNode) and sel.name.value not in visited:
                visited.add(sel.name.value)
                walk(fragments[sel.name.value].selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return out


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value)


def pg_array_literal(values: list[Any]) -> str:
    def item(v: Any) -> str:
        if v is None:
            return "NULL"
        s = to_text(v) or ""
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(item(v) for v in values) + "}"


def q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def qt(key: tuple[str, str]) -> str:
    return f"{q(key[0])}.{q(key[1])}"


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# --------------------------------------------------------------------------- plan


@dataclass
class RootItem:
    alias: str
    kind: str  # "sql" | "typename" | "introspection" | "action"
    index: int = -1  # column of the SQL result for "sql"
    value: Any = None  # typename string / introspection field node / action info


MUTATION_KINDS = ("insert", "insert_one", "update", "update_by_pk", "delete", "delete_by_pk")

# jsonb update operators: (new value from the column and the operand, operand type)
_JSONB_OPS = {
    "_append": ("{col} || {value}", "jsonb"),
    "_prepend": ("{value} || {col}", "jsonb"),
    "_delete_key": ("{col} - {value}", "text"),
    "_delete_elem": ("{col} - {value}", "integer"),
    "_delete_at_path": ("{col} #- {value}", "text[]"),
}


@dataclass
class InsertStep:
    """One row of a nested insert: `SELECT <row as JSON>, <failed checks>`; `ref` params read earlier rows."""

    sql: str
    params: list[Param]


@dataclass
class MutationPlan:
    sql: str
    params: list[Param]
    kind: str  # insert | update | delete | none
    path: str
    # A nested insert runs its rows one statement each, in dependency order, then `sql` answers over the
    # rows of `roots` (indexes into `steps`), bound as `nested_rows` / `nested_count` params.
    steps: list[InsertStep] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)


@dataclass
class Compiled:
    items: list[RootItem]
    sql: str | None
    params: list[Param]
    structural_vars: set[str] = field(default_factory=set)
    operation: str = "query"


DIRECTIONS = {
    "asc": "ASC NULLS LAST",
    "asc_nulls_last": "ASC NULLS LAST",
    "asc_nulls_first": "ASC NULLS FIRST",
    "desc": "DESC NULLS FIRST",
    "desc_nulls_first": "DESC NULLS FIRST",
    "desc_nulls_last": "DESC NULLS LAST",
}

_CMP = {"_eq": "=", "_neq": "<>", "_ne": "<>", "_gt": ">", "_lt": "<", "_gte": ">=", "_lte": "<="}
_TEXT_OPS = {
    "_like": "LIKE",
    "_nlike": "NOT LIKE",
    "_ilike": "ILIKE",
    "_nilike": "NOT ILIKE",
    "_similar": "SIMILAR TO",
    "_nsimilar": "NOT SIMILAR TO",
    "_regex": "~",
    "_iregex": "~*",
    "_nregex": "!~",
    "_niregex": "!~*",
}
_COL_CMP = {"_ceq": "=", "_cne": "<>", "_cneq": "<>", "_cgt": ">", "_clt": "<", "_cgte": ">=", "_clte": "<="}


def _is_session_var(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith("x-hasura-")


# Types whose text input depends on session settings (DateStyle, TimeZone, IntervalStyle): PostgreSQL cannot
# fold the cast of a parameter to them and would parse the text again for every row a filter looks at.
_STABLE_INPUT = frozenset(
    {
        "date",
        "interval",
        "time",
        "time with time zone",
        "time without time zone",
        "timestamp",
        "timestamp with time zone",
        "timestamp without time zone",
        "timestamptz",
        "timetz",
    }
)


def _once(expr: str, cast: str) -> str:
    """A parameter cast evaluated once per statement (an init plan) when its input is not immutable."""
    return f"(SELECT {expr})" if cast.lower() in _STABLE_INPUT else expr


# Far above any answer a client reads (the member dashboard compiles about 30 fields).
MAX_COMPILED_FIELDS = 50_000


def _once_array(expr: str, cast: str) -> str:
    """`_once` for an array: cast again outside the init plan, or `x = ANY((SELECT …))` reads as the
    subquery form of ANY and compares `x` with the whole array (`_in` on a timestamptz column failed)."""
    wrapped = _once(expr, cast)
    return wrapped if wrapped == expr else f"{wrapped}::{cast}[]"


class Compiler:
    def __init__(
        self,
        model: Model,
        rs: RoleSchema,
        document: gast.DocumentNode,
        variables: dict[str, Any],
        stringify: bool,
    ) -> None:
        self.model = model
        self.rs = rs
        self.variables = variables
        self.stringify = stringify
        self.params: list[Param] = []
        self.param_index: dict[Param, int] = {}
        self.structural: set[str] = set()
        self.fragments = fragment_definitions(document)
        self.n = 0
        self.compiled_fields = 0  # fields written into the statement so far (MAX_COMPILED_FIELDS)
        self.path: list[str] = []  # response keys from the root to the field being compiled (for errors)

    def args_path(self) -> str:
        return "$" + "".join(f".selectionSet.{p}" for p in self.path) + ".args"

    # ---- params and aliases
    def param(self, p: Param) -> str:
        if p.kind in ("lit",):
            # Literal values are not de-duplicated: they come from the query text, which is part of the key.
            self.params.append(p)
            return f"${len(self.params)}"
        idx = self.param_index.get(p)
        if idx is None:
            self.params.append(p)
            idx = self.param_index[p] = len(self.params)
        return f"${idx}"

    def alias(self) -> str:
        self.n += 1
        return f"_{self.n}"

    def resolve(self, value: Any) -> Any:
        """A structure the SQL depends on: variables inside it are read now and recorded as structural."""
        if isinstance(value, Var):
            self.structural.add(value.name)
            return self.variables.get(value.name)
        return value

    def _resolve_deep(self, value: Any) -> Any:
        if isinstance(value, Var):
            return self.resolve(value)
        if isinstance(value, dict):
            return {k: self._resolve_deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve_deep(v) for v in value]
        return value

    def scalar(self, value: Any, cast: str, session_ok: bool = False) -> str:
        is_json = cast in ("json", "jsonb")
        if isinstance(value, Var):
            null_error = value.null_error if isinstance(value, NonNullVar) else None
            p = self.param(Param("var", value.name, json=is_json, null_error=null_error))
            return _once(f"{p}::text::{cast}", cast)
        if session_ok and _is_session_var(value):
            return _once(f"{self.param(Param('session', value.lower()))}::text::{cast}", cast)
        if is_json:
            value = self._resolve_deep(value)  # variables inside a JSON literal are part of the value
        text = json.dumps(value) if is_json and value is not None else to_text(value)
        return _once(f"{self.param(Param('lit', text))}::text::{cast}", cast)

    def array(self, value: Any, cast: str, session_ok: bool = False) -> str:
        if isinstance(value, Var):
            null_error = value.null_error if isinstance(value, NonNullVar) else None
            p = self.param(Param("var", value.name, array=True, null_error=null_error))
            return _once_array(f"{p}::text[]::{cast}[]", cast)
        if session_ok and _is_session_var(value):
            return _once_array(f"{self.param(Param('session', value.lower()))}::text::{cast}[]", cast)
        if value is not None and not isinstance(value, list):  # input coercion: one value is a list of one
            value = [value]
        if isinstance(value, list) and not any(isinstance(v, Var) for v in value):
            p = self.param(Param("lit", [to_text(v) for v in value], array=True))
            return _once_array(f"{p}::text[]::{cast}[]", cast)
        items = [self.scalar(v, cast, session_ok) for v in value or []]
        return f"ARRAY[{', '.join(items)}]::{cast}[]"

    # ---- selections
    def collect(self, selections: Any) -> dict[str, list[gast.FieldNode]]:
        return collect_fields([selections], self.fragments, self._included)

    def _included(self, sel: Any) -> bool:
        for d in sel.directives or ():
            if d.name.value in ("skip", "include"):
                arg = next((a for a in d.arguments if a.name.value == "if"), None)
                val = self.resolve(_ast_value(arg.value)) if arg else False
                if (d.name.value == "skip") == bool(val):
                    return False
        return True

    @staticmethod
    def args(nodes: list[gast.FieldNode]) -> dict[str, Any]:
        return {a.name.value: _ast_value(a.value) for a in nodes[0].arguments or ()}

    def sub(self, nodes: list[gast.FieldNode]) -> dict[str, list[gast.FieldNode]]:
        return collect_fields([n.selection_set for n in nodes], self.fragments, self._included)

    # ---- root
    def compile_operation(self, op: gast.OperationDefinitionNode) -> Compiled:
        items: list[RootItem] = []
        exprs: list[str] = []
        root_name, fields_map = {
            gast.OperationType.MUTATION: ("mutation_root", self.rs.mutation_fields),
            gast.OperationType.SUBSCRIPTION: ("subscription_root", self.rs.subscription_fields),
        }.get(op.operation, ("query_root", self.rs.query_fields))
        for alias, nodes in self.collect(op.selection_set).items():
            name = nodes[0].name.value
            if name == "__typename":
                items.append(RootItem(alias, "typename", value=root_name))
                continue
            if name in ("__schema", "__type"):
                items.append(RootItem(alias, "introspection", value=nodes))
                continue
            rf = fields_map[name]
            if rf.kind == "action":
                items.append(RootItem(alias, "action", value=(rf.action, nodes)))
                continue
            self.path = [alias]
            if rf.kind == "update_many":
                # One statement per entry, run in order: a later entry sees the earlier ones' changes.
                updates = self.resolve(self.args(nodes).get("updates")) or []
                if isinstance(updates, dict):  # GraphQL input coercion: one entry where a list is expected
                    updates = [updates]
                one = dataclasses.replace(rf, kind="update")
                plans = [self.mutation(one, self.resolve(u) or {}, nodes) for u in updates]
                items.append(RootItem(alias, "mutation_many", value=plans))
                continue
            if rf.kind in MUTATION_KINDS:
                items.append(RootItem(alias, "mutation", value=self.mutation(rf, self.args(nodes), nodes)))
                continue
            view = self.rs.views[rf.table]  # type: ignore[index]
            args = self.args(nodes)
            if rf.kind == "function" and op.operation == gast.OperationType.MUTATION:
                items.append(RootItem(alias, "mutation", value=self.function_mutation(rf, view, args, nodes)))
                continue
            if rf.kind in ("function", "function_aggregate"):
                items.append(RootItem(alias, "sql", index=len(exprs)))
                exprs.append(self.function_select(rf, view, args, nodes))
                continue
            if rf.kind == "select_stream":
                items.append(RootItem(alias, "stream", value=self.select_stream(view, args, self.sub(nodes))))
                continue
            if rf.kind == "select":
                expr = self.select_array(view, args, self.sub(nodes), None)
            elif rf.kind == "select_by_pk":
                expr = self.select_by_pk(view, args, self.sub(nodes))
            else:
                expr = self.select_aggregate(view, args, self.sub(nodes), None)
            items.append(RootItem(alias, "sql", index=len(exprs)))
            exprs.append(expr)
        sql = None
        if exprs:
            sql = "SELECT " + ", ".join(f"({e})::text AS f{i}" for i, e in enumerate(exprs))
        return Compiled(
            items,
            sql,
            self.params,
            self.structural,
            op.operation.value,
        )

    # ---- streaming subscriptions
    def select_stream(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]]
    ) -> tuple[str, str | None]:
        """One batch of a streaming subscription: the next rows past the cursor (a `cursor` parameter the
        subscription advances), as (statement answering [rows JSON, last cursor value], initial cursor)."""
        cursors = self.resolve(args.get("cursor"))
        cursors = [cursors] if isinstance(cursors, dict) else list(cursors or [])
        path = f"{self.args_path()}.cursor"
        if len(cursors) != 1 or cursors[0] is None:
            raise GQLError("one streaming column field is expected", path=path)
        cursor = self.resolve(cursors[0])
        initial = self.resolve(cursor.get("initial_value")) or {}
        if len(initial) != 1:
            raise GQLError("one streaming column field is expected", path=f"{path}[0].initial_value")
        ((column, value),) = initial.items()
        ascending = (self.resolve(cursor.get("ordering")) or "ASC") == "ASC"
        batch = int(self.resolve(args.get("batch_size")))
        cap = view.perm.limit if self.rs.role != ADMIN else None
        limit = min(batch, int(cap)) if cap is not None else batch
        a = self.alias()
        col = f"{a}.{q(column)}"
        pg_type = view.tracked.table.columns[column].pg_type
        after = f"{col} {'>' if ascending else '<'} {self.param(Param('cursor', None))}::text::{pg_type}"
        direction = "ASC" if ascending else "DESC"
        source = self._from_where(view, a, args, None)
        inner = (
            f"SELECT {self.row_json(view, a, fields)} AS j, {col} AS c {source} "
            f"AND {after} ORDER BY {col} {direction} LIMIT {limit}"
        )
        sql = (
            f"SELECT coalesce(json_agg(s.j ORDER BY s.c {direction}), '[]')::text, "
            f"(array_agg(s.c::text ORDER BY s.c {direction}))[count(*)] FROM ({inner}) AS s"
        )
        return sql, to_text(self._resolve_deep(value))

    # ---- tracked functions
    def tracked_function_call(self, tf: Any, values: Any) -> str:
        """`fn(arg => value, …)` in named notation: arguments left out take their defaults."""
        values = self.resolve(values) or {}
        parts = []
        if tf.session_argument:
            session = f"{self.param(Param('session_json', None))}::text::json"
            parts.append(f"{q(tf.session_argument)} => {session}")
        for name, (schema, typ) in tf.input_args:
            if name in values:
                parts.append(f"{q(name)} => {self.scalar(values[name], f'{q(schema)}.{q(typ)}')}")
        return f"{qt(tf.key)}({', '.join(parts)})"

    def function_select(
        self, rf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode]
    ) -> str:
        assert rf.function is not None
        tf = self.model.functions[rf.function]
        source = self.tracked_function_call(tf, args.get("args"))
        if rf.kind == "function_aggregate":
            return self.select_aggregate(view, args, self.sub(nodes), source)
        return self.function_rows(tf, view, args, nodes, source)

    def function_rows(
        self, tf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode], source: str
    ) -> str:
        """The rows of a tracked function as its field answers them: a list, or one object (or null) for a
        function returning a single row; always under the role's select permission on the table."""
        if tf.returns_set:
            return self.select_array(view, args, self.sub(nodes), source)
        a = self.alias()
        return (
            f"(SELECT {self.row_json(view, a, self.sub(nodes))} FROM {source} AS {a} "
            f"WHERE {self.perm_filter(view, a)} LIMIT 1)"
        )

    def function_mutation(
        self, rf: Any, view: TableView, args: dict[str, Any], nodes: list[gast.FieldNode]
    ) -> MutationPlan:
        """A volatile function exposed as a mutation: run in the request's transaction, rows answered as a
        select of them (the role's select permission applies)."""
        saved = (self.params, self.param_index)
        self.params, self.param_index = [], {}
        try:
            tf = self.model.functions[rf.function]
            source = self.tracked_function_call(tf, args.get("args"))
            # The function runs once, in a CTE, whatever the selection reads from its rows.
            expr = self.function_rows(tf, view, args, nodes, "fn_rows")
            sql = f"WITH fn_rows AS MATERIALIZED (SELECT * FROM {source}) SELECT ({expr})::text, 0"
            return MutationPlan(sql, self.params, "none", "$")
        finally:
            self.params, self.param_index = saved

    # ---- mutations
    def mutation(self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode]) -> MutationPlan:
        """One statement: `WITH m AS (INSERT|UPDATE|DELETE … RETURNING *) SELECT answer, failed checks`."""
        saved = (self.params, self.param_index)
        self.params, self.param_index = [], {}
        try:
            # Hasura reports database and check errors of an insert at its objects, of others at "$".
            path = "$"
            if rf.kind in ("insert", "insert_one"):
                path = f"$.selectionSet.{self.path[0]}.args.{'objects' if rf.kind == 'insert' else 'object'}"
                nested = self._nested_insert(rf, args, nodes, path)
                if nested is not None:
                    return nested
            sql, check_kind = self._mutation_sql(rf, args, nodes)
            return MutationPlan(sql, self.params, check_kind, path)
        finally:
            self.params, self.param_index = saved

    def _mutation_sql(self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode]) -> tuple[str, str]:
        t = self.model.tables[rf.table]
        kind = rf.kind.split("_")[0]
        perm = self.rs.mutation_perms[(rf.table, kind)]
        table = t.table
        a = self.alias()
        sel = self.rs.views.get(rf.table)

        def cast(col: str) -> str:
            return table.columns[col].pg_type

        def where_for(pk_values: dict[str, Any] | None) -> str:
            conds = []
            if self.rs.role != ADMIN and perm["filter"]:
                conds.append(self.bool_exp(perm["filter"], t, a, perm=True, root_alias=a))
            if pk_values is not None:
                conds += [f"{a}.{q(c)} = {self.scalar(pk_values[c], cast(c))}" for c in table.primary_key]
            else:
                where = self.resolve(args.get("where"))
                if where:
                    conds.append(self.bool_exp(where, t, a, False, a, f"{self.args_path()}.where"))
            return " AND ".join(conds) or "true"

        presets = {c: self.scalar(v, cast(c), session_ok=True) for c, v in perm["set"].items()}
        if kind == "insert":
            objects = self.resolve(args.get("objects") if rf.kind == "insert" else [args.get("object")])
            if isinstance(objects, dict):  # GraphQL input coercion: one object where a list is expected
                objects = [objects]
            objects = [self.resolve(o) for o in objects or []]
            cols = [c for c in table.columns if any(c in o for o in objects) and c not in presets]
            cols += list(presets)
            if not objects:
                return f"SELECT ({self._mutation_answer(None, rf, nodes, sel)})::text, 0", "none"
            if not cols:
                stmt = f"INSERT INTO {qt(t.key)} AS {a} DEFAULT VALUES"
            else:
                values_rows: list[str] = []
                for o in objects:
                    vals = [
                        presets[c] if c in presets else (self.scalar(o[c], cast(c)) if c in o else "DEFAULT")
                        for c in cols
                    ]
                    values_rows.append("(" + ", ".join(vals) + ")")
                collist = ", ".join(q(c) for c in cols)
                stmt = f"INSERT INTO {qt(t.key)} AS {a} ({collist}) VALUES {', '.join(values_rows)}"
            stmt += self.on_conflict_sql(t, a, self.resolve(args.get("on_conflict")))
            # xmax = 0 tells a row this statement inserted from one an upsert updated.
            inserted = f"({a}.xmax = 0)" if table.kind in ("r", "p") else "true"  # views have no xmax
            stmt += f' RETURNING {a}.*, {inserted} AS "__inserted"'
        elif kind == "update":
            operators = ["_set", "_inc", *_JSONB_OPS]
            given = {op: self.resolve(args.get(op)) or {} for op in operators if op in args}
            seen: dict[str, int] = {}
            for operand in given.values():
                for col in operand:
                    seen[col] = seen.get(col, 0) + 1
            if repeated := [c for c, n in seen.items() if n > 1]:
                raise GQLError(
                    f"Column found in multiple operators: [{', '.join(repr(c) for c in repeated)}].",
                    path=f"$.selectionSet.{self.path[0]}.args",
                )
            if given and not any(given.values()) and not presets:
                # Operators given but all empty: nothing to change, as in Hasura (no statement runs).
                return f"SELECT ({self._mutation_answer(None, rf, nodes, sel)})::text, 0", "none"
            sets = []
            for col, v in (self.resolve(args.get("_set")) or {}).items():
                sets.append(f"{q(col)} = {self.scalar(v, cast(col))}")
            for col, v in (self.resolve(args.get("_inc")) or {}).items():
                sets.append(f"{q(col)} = {a}.{q(col)} + {self.scalar(v, cast(col))}")
            for op, (template, operand) in _JSONB_OPS.items():
                for col, v in (self.resolve(args.get(op)) or {}).items():
                    v = self.resolve(v)
                    if operand == "text[]":
                        value = self.array([v] if isinstance(v, str) else v, "text")
                    else:
                        value = self.scalar(v, operand)
                    sets.append(f"{q(col)} = " + template.format(col=f"{a}.{q(col)}", value=value))
            if not sets and not presets:
                raise GQLError(
                    "at least any one of _set, _inc, _append, _prepend, _delete_key, _delete_elem, "
                    "_delete_at_path is expected",
                    path=f"$.selectionSet.{self.path[0]}",
                )
            sets += [f"{q(c)} = {e}" for c, e in presets.items()]
            pk_values = self.resolve(args.get("pk_columns")) if rf.kind == "update_by_pk" else None
            where_sql = where_for(pk_values)
            stmt = f"UPDATE {qt(t.key)} AS {a} SET {', '.join(sets)} WHERE {where_sql} RETURNING {a}.*"
        else:
            pk_values = args if rf.kind == "delete_by_pk" else None
            stmt = f"DELETE FROM {qt(t.key)} AS {a} WHERE {where_for(pk_values)} RETURNING {a}.*"
        check = "0"
        if kind in ("insert", "update") and self.rs.role != ADMIN:
            r = self.alias()
            ok = self.bool_exp(perm["check"], t, r, perm=True, root_alias=r) if perm["check"] else "true"
            rows = "m"
            if kind == "insert" and "ON CONFLICT" in stmt and " DO UPDATE " in stmt:
                rows = "m0"
                # Rows the upsert updated answer to the update permission's check instead.
                upd = self.rs.mutation_perms[(rf.table, "update")]
                upd_ok = (
                    self.bool_exp(upd["check"], t, r, perm=True, root_alias=r) if upd["check"] else "true"
                )
                ok = f'CASE WHEN {r}."__inserted" THEN {ok} ELSE {upd_ok} END'
            if ok != "true":
                check = f"(SELECT count(*) FROM {rows} AS {r} WHERE NOT coalesce({ok}, false))"
        answer = self._mutation_answer("m", rf, nodes, sel)
        if kind == "insert":
            # m: the rows as the table's row type (computed fields take it); m0 also knows which were new.
            columns = ", ".join(q(c) for c in table.columns)
            return (
                f"WITH m0 AS ({stmt}), m AS (SELECT {columns} FROM m0) SELECT ({answer})::text, {check}",
                kind,
            )
        return f"WITH m AS ({stmt}) SELECT ({answer})::text, {check}", kind

    # ---- nested inserts
    def _nested_insert(
        self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode], path: str
    ) -> MutationPlan | None:
        """Inserts with relationship data: one statement per row, parents of object relationships first,
        children of array relationships after their parent (Hasura's order). None when nothing is nested."""
        t = self.model.tables[rf.table]
        objects = self.resolve(args.get("objects") if rf.kind == "insert" else [args.get("object")])
        if isinstance(objects, dict):
            objects = [objects]
        objects = [self.resolve(o) or {} for o in objects or []]
        if not any(k in t.relationships for o in objects for k in o):
            return None
        conflict = self.resolve(args.get("on_conflict"))
        steps: list[InsertStep] = []
        many = rf.kind == "insert"
        roots = [
            self._insert_row(t, o, conflict, steps, {}, f"{path}[{i}]" if many else path)
            for i, o in enumerate(objects)
        ]
        self.params, self.param_index = [], {}
        rows = self.param(Param("nested_rows", None))

        # Bound only if the selection asks for affected_rows (an unused parameter is an error).
        def count() -> str:
            return f"{self.param(Param('nested_count', None))}::text::int"

        answer = self._mutation_answer("m", rf, nodes, self.rs.views.get(rf.table), affected=count)
        sql = (
            f"WITH m AS (SELECT * FROM json_populate_recordset(NULL::{qt(t.key)}, {rows}::json)) "
            f"SELECT ({answer})::text, 0"
        )
        return MutationPlan(sql, self.params, "insert", path, steps, roots)

    def _after_parent(self, t: Any, rel: Any) -> bool:
        """Whether the related row needs this row first: an array relationship, or an object relationship
        whose foreign key is on the related table."""
        if rel.kind == "array":
            return True
        target = self.model.tables[rel.target].table
        remote = [r for _, r in rel.mapping]
        return any(fk.ref_table == t.key and fk.columns == remote for fk in target.foreign_keys)

    def _insert_row(
        self,
        t: Any,
        o: dict[str, Any],
        conflict: Any,
        steps: list[InsertStep],
        fixed: dict[str, Any],
        path: str,
    ) -> int:
        perm = self.rs.mutation_perms.get((t.key, "insert"))
        if perm is None:
            raise GQLError(f"no insert permission on {t.name}", "permission-error")
        given = [c for c in fixed if c in o]
        if given:
            raise GQLError(
                f"cannot insert {', '.join(json.dumps(c) for c in given)} columns as their values are "
                "already being determined by parent insert",
                "validation-failed",
                path,
            )
        refs: dict[str, tuple[int, str]] = dict(fixed)
        later: list[tuple[Any, list[Any], Any, str]] = []
        for name, value in o.items():
            rel = t.relationships.get(name)
            if rel is None:
                continue
            value = self.resolve(value) or {}
            data = self.resolve(value.get("data"))
            rel_conflict = self.resolve(value.get("on_conflict"))
            if data is None:
                continue
            target = self.model.tables[rel.target]
            if self._after_parent(t, rel):
                later.append(
                    (rel, data if isinstance(data, list) else [data], rel_conflict, f"{path}.{name}")
                )
            else:
                mine = [m for m, _ in rel.mapping if m in o]
                if mine:
                    raise GQLError(
                        f"cannot insert object relationship {json.dumps(name)} as "
                        f"{', '.join(json.dumps(c) for c in mine)} column values are already determined",
                        "validation-failed",
                        f"{path}.{name}",
                    )
                parent = self._insert_row(
                    target, self.resolve(data) or {}, rel_conflict, steps, {}, f"{path}.{name}.data"
                )
                for mine, theirs in rel.mapping:
                    refs[mine] = (parent, theirs)
        table = t.table
        self.params, self.param_index = [], {}
        a = self.alias()
        presets = {
            c: self.scalar(v, table.columns[c].pg_type, session_ok=True) for c, v in perm["set"].items()
        }
        values: dict[str, str] = {}
        for c in table.columns:
            cast = table.columns[c].pg_type
            if c in presets:
                values[c] = presets[c]
            elif c in refs:
                values[c] = f"{self.param(Param('ref', refs[c]))}::text::{cast}"
            elif c in o:
                values[c] = self.scalar(o[c], cast)
        if values:
            stmt = (
                f"INSERT INTO {qt(t.key)} AS {a} ({', '.join(q(c) for c in values)}) "
                f"VALUES ({', '.join(values.values())})"
            )
        else:
            stmt = f"INSERT INTO {qt(t.key)} AS {a} DEFAULT VALUES"
        stmt += self.on_conflict_sql(t, a, conflict)
        stmt += f" RETURNING {a}.*"
        check = "0"
        if self.rs.role != ADMIN and perm["check"]:
            r = self.alias()
            ok = self.bool_exp(perm["check"], t, r, perm=True, root_alias=r)
            check = f"(SELECT count(*) FROM m AS {r} WHERE NOT coalesce({ok}, false))"
        steps.append(
            InsertStep(
                f"WITH m AS ({stmt}) SELECT (SELECT row_to_json(m) FROM m)::text, {check}", self.params
            )
        )
        me = len(steps) - 1
        for rel, children, rel_conflict, rel_path in later:
            target = self.model.tables[rel.target]
            link = {theirs: (me, mine) for mine, theirs in rel.mapping}
            for j, child in enumerate(children):
                child_path = f"{rel_path}.data[{j}]" if rel.kind == "array" else f"{rel_path}.data"
                self._insert_row(target, self.resolve(child) or {}, rel_conflict, steps, link, child_path)
        return me

    def on_conflict_sql(self, t: Any, a: str, conflict: Any) -> str:
        """` ON CONFLICT ON CONSTRAINT c DO NOTHING | DO UPDATE SET … WHERE …` for an insert's on_conflict."""
        if not conflict:
            return ""
        constraint = self.resolve(conflict.get("constraint"))
        if constraint not in t.table.unique_constraints:
            raise GQLError(
                f"constraint {json.dumps(constraint)} for table {json.dumps(t.table.name)} does not exist",
                "constraint-error",
                f"{self.args_path()}.on_conflict",
            )
        update_columns = self.resolve(conflict.get("update_columns")) or []
        if isinstance(update_columns, str):  # input coercion: one column is a list of one
            update_columns = [update_columns]
        columns = [self.resolve(c) for c in update_columns]
        if "_PLACEHOLDER" in columns:  # the enum's stand-in when the role may update no column
            raise GQLError("erroneous column name", "validation-failed", f"{self.args_path()}.on_conflict")
        target = f" ON CONFLICT ON CONSTRAINT {q(constraint)}"
        if not columns:
            return target + " DO NOTHING"
        update = self.rs.mutation_perms[(t.key, "update")]
        presets = {
            c: self.scalar(v, t.table.columns[c].pg_type, session_ok=True) for c, v in update["set"].items()
        }
        sets = [f"{q(c)} = EXCLUDED.{q(c)}" for c in columns if c not in presets]
        sets += [f"{q(c)} = {e}" for c, e in presets.items()]
        conds = []
        if self.rs.role != ADMIN and update["filter"]:
            conds.append(self.bool_exp(update["filter"], t, a, perm=True, root_alias=a))
        where = self.resolve(conflict.get("where"))
        if where:
            conds.append(self.bool_exp(where, t, a, False, a, f"{self.args_path()}.on_conflict.where"))
        where_sql = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"{target} DO UPDATE SET {', '.join(sets)}{where_sql}"

    def _mutation_answer(
        self,
        source: str | None,
        rf: Any,
        nodes: list[gast.FieldNode],
        sel: Any,
        affected: Callable[[], str] | None = None,
    ) -> str:
        """The JSON answer over the modified rows `m` (None: nothing was modified).

        As in Hasura, the modified rows themselves are not filtered by the role's select permission (only its
        columns and the relationships' own permissions apply): the mutation's permission decided on them.
        """
        r = self.alias()
        if rf.kind.endswith(("_one", "_by_pk")):
            if source is None:
                return "NULL::json"
            return f"SELECT {self.row_json(sel, r, self.sub(nodes))} FROM {source} AS {r} LIMIT 1"
        pairs = []
        t = self.model.tables[rf.table]
        for key, fnodes in self.sub(nodes).items():
            name = fnodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(t.gql_name + '_mutation_response')}")
            elif name == "affected_rows":
                count = affected() if affected else (f"(SELECT count(*) FROM {source})" if source else "0")
                pairs.append(f"{sql_str(key)}, {count}")
            elif name == "returning":
                if source is None:
                    pairs.append(f"{sql_str(key)}, '[]'::json")
                    continue
                rr = self.alias()
                pairs.append(
                    f"{sql_str(key)}, (SELECT coalesce(json_agg({self.row_json(sel, rr, self.sub(fnodes))}), "
                    f"'[]'::json) FROM {source} AS {rr})"
                )
        return f"SELECT {_json_object(pairs)}"

    # ---- row json
    def column_expr(self, view: TableView, alias: str, col: str) -> str:
        c = view.tracked.table.columns[col]
        e = self.cell(view, alias, col, f"{alias}.{q(col)}")
        if self.stringify and c.udt in ("int8", "numeric", "float8", "money"):
            return f"({e})::text"
        return e

    def cell(self, view: TableView, alias: str, name: str, e: str) -> str:
        """An inherited role sees a field some parents do not allow only on the rows of those that do."""
        cond = view.perm.column_filters.get(name) if self.rs.role != ADMIN else None
        if cond is None:
            return e
        return (
            f"CASE WHEN {self.bool_exp(cond, view.tracked, alias, perm=True, root_alias=alias)} THEN {e} END"
        )

    def row_json(self, view: TableView, alias: str, fields: dict[str, list[gast.FieldNode]]) -> str:
        # Fragments spread under different response keys (`a { ...F } b { ...F }`, level after level) ask
        # for an answer exponential in the document; roles without api limits (admin) meet this bound.
        self.compiled_fields += len(fields)
        if self.compiled_fields > MAX_COMPILED_FIELDS:
            raise GQLError(
                f"the operation selects more than {MAX_COMPILED_FIELDS} fields", "validation-failed", "$"
            )
        pairs: list[str] = []
        t = view.tracked
        for key, nodes in fields.items():
            name = nodes[0].name.value
            self.path.append(key)
            if name == "__typename":
                expr = sql_str(t.gql_name)
            elif name in t.table.columns:
                expr = self.column_expr(view, alias, name)
                path = self.resolve(self.args(nodes).get("path"))
                if path is not None:
                    elements = [to_text(p) for p in json_path(path)]
                    expr = f"({expr} #> {self.param(Param('lit', elements, array=True))}::text[])"
            elif name in t.computed_fields and t.computed_fields[name].returns_table:
                cf = t.computed_fields[name]
                assert cf.returns_table is not None
                target = self.rs.views[cf.returns_table]
                args = self.args(nodes)
                expr = self.select_array(
                    target, args, self.sub(nodes), self.function_call(cf, alias, args.get("args"))
                )
            elif name in t.computed_fields:
                expr = self.cell(
                    view, alias, name, self.computed_expr(view, alias, name, self.args(nodes).get("args"))
                )
            elif name in t.relationships:
                rel = t.relationships[name]
                target = self.rs.views[rel.target]
                if rel.kind == "object":
                    ta = self.alias()
                    cond = self.join_cond(rel, alias, ta)
                    perm = self.perm_filter(target, ta)
                    expr = (
                        f"(SELECT {self.row_json(target, ta, self.sub(nodes))} FROM {qt(rel.target)} AS {ta} "
                        f"WHERE {cond} AND {perm} LIMIT 1)"
                    )
                else:
                    expr = self.select_array(target, self.args(nodes), self.sub(nodes), (rel, alias))
            elif name.endswith("_aggregate") and name[: -len("_aggregate")] in t.relationships:
                rel = t.relationships[name[: -len("_aggregate")]]
                target = self.rs.views[rel.target]
                expr = self.select_aggregate(target, self.args(nodes), self.sub(nodes), (rel, alias))
            else:  # validation makes this unreachable
                raise GQLError(f"field '{name}' not found in type: '{t.gql_name}'")
            self.path.pop()
            pairs.append(f"{sql_str(key)}, {expr}")
        return _json_object(pairs)

    def function_call(self, cf: Any, alias: str, values: Any = None) -> str:
        """The call of a computed field's function on row `alias`; `values` are the client's `args`."""
        session = f"{self.param(Param('session_json', None))}::text::json" if cf.session_argument else None
        if not cf.input_args:
            args = [f"{alias}"] * cf.argument_count
            if session is not None:
                args[1 - cf.table_argument_index] = session
            return f"{qt(cf.function)}({', '.join(args)})"
        # Named notation: the row and session may sit anywhere, and arguments left out take their defaults.
        values = self.resolve(values) or {}
        parts = [f"{q(cf.arg_names[cf.table_argument_index])} => {alias}"]
        if session is not None:
            parts.append(f"{q(cf.arg_names[cf.session_argument_index])} => {session}")
        for name, (schema, typ) in cf.input_args:
            if name in values:
                parts.append(f"{q(name)} => {self.scalar(values[name], f'{q(schema)}.{q(typ)}')}")
        return f"{qt(cf.function)}({', '.join(parts)})"

    def computed_expr(self, view: TableView, alias: str, name: str, values: Any = None) -> str:
        cf = view.tracked.computed_fields[name]
        e = self.function_call(cf, alias, values)
        if self.stringify and cf.return_udt in ("int8", "numeric", "float8"):
            return f"({e})::text"
        return e

    @staticmethod
    def join_cond(rel: Any, outer: str, inner: str) -> str:
        return " AND ".join(f"{outer}.{q(a)} = {inner}.{q(b)}" for a, b in rel.mapping) or "true"

    def perm_filter(self, view: TableView, alias: str) -> str:
        if self.rs.role == ADMIN or not view.perm.filter:
            return "true"
        return self.bool_exp(view.perm.filter, view.tracked, alias, perm=True, root_alias=alias)

    # ---- selects
    def _from_where(self, view: TableView, alias: str, args: dict[str, Any], join: Any) -> str:
        """`join` is None (a root field), (relationship, outer alias), or a set-returning function call."""
        conds = [self.perm_filter(view, alias)]
        source = qt(view.tracked.key)
        if isinstance(join, str):
            source = join
        elif join is not None:
            rel, outer = join
            conds.insert(0, self.join_cond(rel, outer, alias))
        where = self.resolve(args.get("where"))
        if where:
            conds.append(self.bool_exp(where, view.tracked, alias, False, alias, f"{self.args_path()}.where"))
        return f"FROM {source} AS {alias} WHERE " + " AND ".join(conds)

    def _order_limit(
        self, view: TableView, alias: str, args: dict[str, Any], perm_limit: bool = True
    ) -> tuple[str, list[tuple[str, str]], str, str]:
        """(DISTINCT ON clause, [(order expr, direction)], LIMIT clause, OFFSET clause)."""
        order: list[tuple[str, str]] = []
        ob = self.resolve(args.get("order_by"))
        if isinstance(ob, dict):
            ob = [ob]
        for item in ob or []:
            item = self.resolve(item)
            self.order_items(view, alias, item, order)
        distinct = ""
        dcols = self.resolve(args.get("distinct_on"))
        if isinstance(dcols, str):
            dcols = [dcols]
        if dcols:
            dcols = [self.resolve(d) for d in dcols]
            dexprs = [f"{alias}.{q(c)}" for c in dcols]
            lead = [e for e, _ in order[: len(dexprs)]]
            if order and sorted(lead) != sorted(dexprs):
                raise GQLError(
                    '"distinct_on" columns must match initial "order_by" columns', path=self.args_path()
                )
            if not order:
                order = [(e, "ASC NULLS LAST") for e in dexprs]
            distinct = f"DISTINCT ON ({', '.join(dexprs)}) "
        limit_clause = ""
        # The limit is written into the statement (a variable's value becomes part of the plan key): with a
        # parameter there PostgreSQL's plan cache keeps choosing custom plans and plans every execution again.
        limit = self.resolve(args.get("limit"))
        for arg in ("limit", "offset"):
            if isinstance(args.get(arg), int) and args[arg] < 0:
                raise GQLError(
                    "expected a non-negative 32-bit integer for type 'Int', but found an integer",
                    path=f"{self.args_path()}.{arg}",
                )
        cap = view.perm.limit if self.rs.role != ADMIN and perm_limit else None
        if limit is not None:
            lim = int(limit)  # a GraphQL Int, already validated
            limit_clause = f" LIMIT least({lim}, {int(cap)})" if cap is not None else f" LIMIT {lim}"
        elif cap is not None:
            limit_clause = f" LIMIT {int(cap)}"
        offset = args.get("offset")
        offset_clause = f" OFFSET {self.scalar(offset, 'bigint')}" if offset is not None else ""
        return distinct, order, limit_clause, offset_clause

    def order_items(
        self, view: TableView, alias: str, item: dict[str, Any], out: list[tuple[str, str]], wrap: Any = None
    ) -> None:
        t = view.tracked
        for key, value in (item or {}).items():
            value = self.resolve(value)
            if value is None:
                continue
            if key in t.table.columns or key in t.computed_fields:
                expr = (
                    f"{alias}.{q(key)}"
                    if key in t.table.columns
                    else self.computed_expr_raw(view, alias, key)
                )
                out.append((wrap(expr) if wrap else expr, DIRECTIONS[value]))
            elif key in t.relationships:
                rel = t.relationships[key]
                target = self.rs.views[rel.target]
                ta = self.alias()

                # The permission filter is compiled only for an order expression that uses it: its
                # parameters would otherwise be sent unused (`order_by: {rel: {}}` was a database error).
                def wrapper(
                    e: str, rel: Any = rel, target: Any = target, ta: str = ta, outer: Any = wrap
                ) -> str:
                    pre = f"{self.join_cond(rel, alias, ta)} AND {self.perm_filter(target, ta)}"
                    inner = f"(SELECT {e} FROM {qt(rel.target)} AS {ta} WHERE {pre} LIMIT 1)"
                    return outer(inner) if outer else inner

                self.order_items(target, ta, value, out, wrapper)
            elif key.endswith("_aggregate") and (
                key[: -len("_aggregate")] in t.relationships or key[: -len("_aggregate")] in t.computed_fields
            ):
                base = key[: -len("_aggregate")]
                ta = self.alias()
                specs = {fn: spec for fn, spec in value.items() if _orders(self.resolve(spec))}
                if not specs:
                    continue  # nothing to order by: no permission filter (and its parameters) either
                if base in t.relationships:
                    rel = t.relationships[base]
                    target = self.rs.views[rel.target]
                    src = (
                        f"FROM {qt(rel.target)} AS {ta} WHERE {self.join_cond(rel, alias, ta)} "
                        f"AND {self.perm_filter(target, ta)}"
                    )
                else:
                    cf = t.computed_fields[base]
                    assert cf.returns_table is not None
                    target = self.rs.views[cf.returns_table]
                    src = f"FROM {self.function_call(cf, alias)} AS {ta} WHERE {self.perm_filter(target, ta)}"
                for fn, spec in specs.items():
                    spec = self.resolve(spec)
                    if fn == "count":
                        exprs = [(f"(SELECT count(*) {src})", spec)]
                    else:
                        exprs = [
                            (f"(SELECT {_agg_sql(fn, f'{ta}.{q(c)}')} {src})", d)
                            for c, d in spec.items()
                            if d is not None
                        ]
                    for e, d in exprs:
                        out.append((wrap(e) if wrap else e, DIRECTIONS[d]))

    def computed_expr_raw(self, view: TableView, alias: str, name: str) -> str:
        saved = self.stringify
        self.stringify = False
        try:
            return self.computed_expr(view, alias, name)
        finally:
            self.stringify = saved

    def select_array(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]], join: Any
    ) -> str:
        a = self.alias()
        distinct, order, limit, offset = self._order_limit(view, a, args)
        j = self.row_json(view, a, fields)
        fw = self._from_where(view, a, args, join)
        ocols = "".join(f", {e} AS o{i}" for i, (e, _) in enumerate(order))
        inner_order = " ORDER BY " + ", ".join(f"{e} {d}" for e, d in order) if order else ""
        outer_order = (
            " ORDER BY " + ", ".join(f"{a}s.o{i} {d}" for i, (_, d) in enumerate(order)) if order else ""
        )
        return (
            f"(SELECT coalesce(json_agg({a}s.j{outer_order}), '[]'::json) FROM "
            f"(SELECT {distinct}{j} AS j{ocols} {fw}{inner_order}{limit}{offset}) AS {a}s)"
        )

    def select_by_pk(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]]
    ) -> str:
        a = self.alias()
        t = view.tracked
        conds = [
            f"{a}.{q(c)} = {self.scalar(args[c], t.table.columns[c].pg_type)}" for c in t.table.primary_key
        ]
        conds.append(self.perm_filter(view, a))
        return f"SELECT {self.row_json(view, a, fields)} FROM {qt(t.key)} AS {a} WHERE {' AND '.join(conds)}"

    def select_aggregate(
        self, view: TableView, args: dict[str, Any], fields: dict[str, list[gast.FieldNode]], join: Any
    ) -> str:
        a = self.alias()
        # Hasura caps only `nodes` by the permission's row limit; the aggregate sees every permitted row.
        distinct, order, limit, offset = self._order_limit(view, a, args, perm_limit=False)
        fw = self._from_where(view, a, args, join)
        inner: list[str] = []
        pairs: list[str] = []
        cap = view.perm.limit if self.rs.role != ADMIN else None
        node_filter = f" FILTER (WHERE {a}s.rn <= {int(cap)})" if cap is not None else ""
        outer_order = (
            " ORDER BY " + ", ".join(f"{a}s.o{i} {d}" for i, (_, d) in enumerate(order)) if order else ""
        )
        needed_cols: set[str] = set()
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(view.tracked.gql_name + '_aggregate')}")
            elif name == "nodes":
                jn = f"j{len(inner)}"
                inner.append(f"{self.row_json(view, a, self.sub(nodes))} AS {jn}")
                pairs.append(
                    f"{sql_str(key)}, coalesce(json_agg({a}s.{jn}{outer_order}){node_filter}, '[]'::json)"
                )
            elif name == "aggregate":
                pairs.append(
                    f"{sql_str(key)}, {self.aggregate_fields(view, a, self.sub(nodes), needed_cols)}"
                )
        for c in sorted(needed_cols):
            inner.append(f"{self.cell(view, a, c, f'{a}.{q(c)}')} AS {q('c_' + c)}")
        inner += [f"{e} AS o{i}" for i, (e, _) in enumerate(order)]
        inner_order = " ORDER BY " + ", ".join(f"{e} {d}" for e, d in order) if order else ""
        if cap is not None and any(n[0].name.value == "nodes" for n in fields.values()):
            # The cap applies to `nodes` only; plain aggregates need no row numbers (a window is a real cost).
            inner.append(f"row_number() OVER ({inner_order.strip()}) AS rn")
        if not inner:
            inner.append("1 AS _one")
        # GROUP BY (): one answer however many rows, also when nothing selected aggregates them
        # (`{ x_aggregate { __typename } }` was "more than one row returned by a subquery").
        return (
            f"(SELECT {_json_object(pairs)} FROM (SELECT {distinct}{', '.join(inner)} {fw}"
            f"{inner_order}{limit}{offset}) AS {a}s GROUP BY ())"
        )

    def aggregate_fields(
        self, view: TableView, a: str, fields: dict[str, list[gast.FieldNode]], needed: set[str]
    ) -> str:
        pairs: list[str] = []
        g = view.tracked.gql_name
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(g + '_aggregate_fields')}")
            elif name == "count":
                args = self.args(nodes)
                cols = self.resolve(args.get("columns"))
                if isinstance(cols, str):
                    cols = [cols]
                distinct = bool(self.resolve(args.get("distinct")))
                if cols:
                    cols = [self.resolve(c) for c in cols]
                    needed.update(cols)
                    ce = ", ".join(f"{a}s.{q('c_' + c)}" for c in cols)
                    if len(cols) > 1:
                        ce = f"({ce})"
                    expr = f"count({'DISTINCT ' if distinct else ''}{ce})"
                else:
                    expr = "count(*)"
                pairs.append(f"{sql_str(key)}, {expr}")
            else:
                sub_pairs: list[str] = []
                for skey, snodes in self.sub(nodes).items():
                    col = snodes[0].name.value
                    if col == "__typename":
                        sub_pairs.append(f"{sql_str(skey)}, {sql_str(f'{g}_{name}_fields')}")
                        continue
                    needed.add(col)
                    e = _agg_sql(name, f"{a}s.{q('c_' + col)}")
                    udt = view.tracked.table.columns[col].udt
                    # Hasura stringifies by the column's type: avg(int) stays a number, avg(numeric) a string.
                    if self.stringify and udt in ("int8", "numeric", "float8", "money"):
                        e = f"({e})::text"
                    sub_pairs.append(f"{sql_str(skey)}, {e}")
                pairs.append(f"{sql_str(key)}, {_json_object(sub_pairs)}")
        return _json_object(pairs)

    # ---- boolean expressions
    def bool_exp(
        self, exp: Any, t: TrackedTable, alias: str, perm: bool, root_alias: str, path: str = "$"
    ) -> str:
        """`path` locates a GraphQL `where` in the request, for Hasura's error paths."""
        exp = self.resolve(exp)
        if not exp:
            return "true"
        parts: list[str] = []
        for key, value in exp.items():
            value = self.resolve(value)
            k = "_" + key[1:] if perm and key.startswith("$") else key
            if k in ("_and", "_or"):
                items = value if isinstance(value, list) else [value]
                subs = [
                    self.bool_exp(v, t, alias, perm, root_alias, f"{path}.{key}[{i}]")
                    for i, v in enumerate(items)
                ]
                if not subs:
                    parts.append("true" if k == "_and" else "false")
                else:
                    parts.append("(" + (" AND " if k == "_and" else " OR ").join(subs) + ")")
            elif k == "_not":
                parts.append(f"NOT ({self.bool_exp(value, t, alias, perm, root_alias, f'{path}._not')})")
            elif k == "_exists":
                target_key = table_key(value["_table"])
                target = self.model.tables[target_key]
                ta = self.alias()
                inner = self.bool_exp(value.get("_where") or {}, target, ta, perm, root_alias)
                if not perm:
                    view = self.rs.views.get(target_key)
                    inner = f"{inner} AND {self.perm_filter(view, ta)}" if view else "false"
                parts.append(f"EXISTS (SELECT 1 FROM {qt(target_key)} AS {ta} WHERE {inner})")
            elif key in t.table.columns:
                c = t.table.columns[key]
                parts.append(
                    self.comparison(
                        f"{alias}.{q(key)}",
                        c.pg_type,
                        c.udt,
                        value,
                        perm,
                        t,
                        alias,
                        root_alias,
                        f"{path}.{key}",
                    )
                )
            elif key in t.computed_fields and t.computed_fields[key].returns_table is None:
                cf = t.computed_fields[key]
                parts.append(
                    self.comparison(
                        self.function_call(cf, alias),
                        cf.return_udt,
                        cf.return_udt,
                        value,
                        perm,
                        t,
                        alias,
                        root_alias,
                        f"{path}.{key}",
                    )
                )
            elif key in t.computed_fields and (rows_of := t.computed_fields[key].returns_table) is not None:
                # Rows of a table from a function: true when one of them matches, like an array relationship.
                cf = t.computed_fields[key]
                target = self.model.tables[rows_of]
                ta = self.alias()
                conds = []
                if not perm:
                    view = self.rs.views.get(rows_of)
                    conds.append(self.perm_filter(view, ta) if view else "false")
                conds.append(self.bool_exp(value, target, ta, perm, root_alias, f"{path}.{key}"))
                rows = self.function_call(cf, alias)
                parts.append(f"EXISTS (SELECT 1 FROM {rows} AS {ta} WHERE {' AND '.join(conds)})")
            elif not perm and key.endswith("_aggregate") and key[: -len("_aggregate")] in t.relationships:
                parts.append(
                    self.aggregate_predicate(t.relationships[key[: -len("_aggregate")]], alias, value, path)
                )
            elif key in t.relationships:
                rel = t.relationships[key]
                target = self.model.tables[rel.target]
                ta = self.alias()
                conds = [self.join_cond(rel, alias, ta)]
                if not perm:
                    view = self.rs.views.get(rel.target)
                    conds.append(self.perm_filter(view, ta) if view else "false")
                conds.append(self.bool_exp(value, target, ta, perm, root_alias, f"{path}.{key}"))
                parts.append(f"EXISTS (SELECT 1 FROM {qt(rel.target)} AS {ta} WHERE {' AND '.join(conds)})")
            else:
                raise GQLError(f"field '{key}' not found in type: '{t.gql_name}_bool_exp'")
        return " AND ".join(parts) if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def aggregate_predicate(self, rel: Any, alias: str, value: Any, path: str) -> str:
        """`{count: {arguments, distinct, filter, predicate}}`: compare a count of related permitted rows."""
        view = self.rs.views[rel.target]
        parts = []
        for fn, spec in (self.resolve(value) or {}).items():
            spec = self.resolve(spec) or {}
            ta = self.alias()
            conds = [self.join_cond(rel, alias, ta), self.perm_filter(view, ta)]
            flt = self.resolve(spec.get("filter"))
            if flt:
                conds.append(self.bool_exp(flt, view.tracked, ta, False, ta, f"{path}.{fn}.filter"))
            cols = self.resolve(spec.get("arguments")) or []
            cols = [cols] if isinstance(cols, str) else [self.resolve(c) for c in cols]
            distinct = "DISTINCT " if self.resolve(spec.get("distinct")) else ""
            target = ", ".join(f"{ta}.{q(c)}" for c in cols)
            if len(cols) > 1:
                target = f"({target})"
            counted = f"count({distinct}{target})" if cols else "count(*)"
            sub = f"(SELECT {counted} FROM {qt(rel.target)} AS {ta} WHERE {' AND '.join(conds)})"
            parts.append(
                self.comparison(
                    sub,
                    "int",
                    "int4",
                    spec.get("predicate"),
                    False,
                    view.tracked,
                    ta,
                    ta,
                    f"{path}.{fn}.predicate",
                )
            )
        return " AND ".join(parts) or "true"

    def comparison(
        self,
        expr: str,
        cast: str,
        udt: str,
        ops: Any,
        perm: bool,
        t: TrackedTable,
        alias: str,
        root_alias: str,
        path: str = "$",
    ) -> str:
        ops = self.resolve(ops)
        if perm and not isinstance(ops, dict):  # metadata shorthand `{col: value}` means `_eq`
            ops = {"_eq": ops}
        parts: list[str] = []
        for op, value in (ops or {}).items():
            if perm and op.startswith("$"):
                op = "_" + op[1:]
            if not perm and op not in ("_is_null", "_cast"):
                # Hasura v2 refuses null operands (no v1 "boolean null collapse"), also from variables.
                null_error = (f"unexpected null value for type '{scalar_name(udt)}'", f"{path}.{op}")
                if value is None:
                    raise GQLError(null_error[0], path=null_error[1])
                if isinstance(value, Var):
                    value = NonNullVar(value.name, null_error)
            if op in _CMP:
                parts.append(f"{expr} {_CMP[op]} {self.scalar(value, cast, perm)}")
            elif op in ("_in", "_nin"):
                value = (
                    value
                    if isinstance(value, Var) or (perm and _is_session_var(value))
                    else self.resolve(value)
                )
                if isinstance(value, list) and not value:
                    parts.append("false" if op == "_in" else "true")
                    continue
                e = f"{expr} = ANY({self.array(value, cast, perm)})"
                parts.append(e if op == "_in" else f"NOT ({e})")
            elif op == "_is_null":
                if isinstance(value, Var):
                    parts.append(f"(({expr}) IS NULL) = {self.scalar(value, 'boolean')}")
                else:
                    parts.append(f"{expr} IS {'' if value else 'NOT '}NULL")
            elif op in _TEXT_OPS:
                parts.append(f"{expr} {_TEXT_OPS[op]} {self.scalar(value, 'text', perm)}")
            elif op == "_contains":
                parts.append(f"{expr} @> {self.scalar(value, 'jsonb', perm)}")
            elif op == "_contained_in":
                parts.append(f"{expr} <@ {self.scalar(value, 'jsonb', perm)}")
            elif op == "_has_key":
                parts.append(f"{expr} ? {self.scalar(value, 'text', perm)}")
            elif op in ("_has_keys_any", "_has_keys_all"):
                sym = "?|" if op == "_has_keys_any" else "?&"
                parts.append(f"{expr} {sym} {self.array(value, 'text', perm)}")
            elif op == "_cast":
                for target, sub in self.resolve(value).items():
                    tcast = {"String": "text"}.get(target, target)
                    parts.append(
                        self.comparison(f"({expr})::{tcast}", tcast, tcast, sub, perm, t, alias, root_alias)
                    )
            elif op in _COL_CMP and perm:
                if isinstance(value, list) and len(value) == 2 and value[0] == "$":
                    other = f"{root_alias}.{q(value[1])}"
                else:
                    other = f"{alias}.{q(value)}"
                parts.append(f"{expr} {_COL_CMP[op]} {other}")
            else:
                raise GQLError(f"unknown operator '{op}'")
        if not parts:
            return "true"
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


_PATH_TOKEN = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_]*)|\.?\[(\d+)\]|\.?\[(?:"([^"]*)"|'([^']*)')\]""")


def json_path(path: str) -> list[str | int]:
    """`$.a.b[0]["c d"]` → ["a", "b", 0, "c d"], the subset of JSONPath Hasura's `path` argument takes."""
    rest = path.strip()
    if rest.startswith("$"):
        rest = rest[1:]
    elif rest and rest[0] not in ".[":
        rest = "." + rest
    out: list[str | int] = []
    pos = 0
    while pos < len(rest):
        m = _PATH_TOKEN.match(rest, pos)
        if m is None:
            raise GQLError(
                f"parse json path error: unexpected {rest[pos:]!r}", "validation-failed", "$.selectionSet"
            )
        out.append(int(m[2]) if m[2] is not None else next(g for g in (m[1], m[3], m[4]) if g is not None))
        pos = m.end()
    return out


def _orders(spec: Any) -> bool:
    """Whether an aggregate's order_by entry orders by anything (`count: asc`, or a column's direction)."""
    if isinstance(spec, dict):
        return any(d is not None for d in spec.values())
    return spec is not None


def _agg_sql(fn: str, e: str) -> str:
    return f"{fn}({e})"


def _json_object(pairs: list[str]) -> str:
    """json_build_object takes at most 100 arguments; larger objects are built in chunks and joined as text
    (a jsonb merge would sort the keys, and the answer must keep the selection's order)."""
    if len(pairs) <= 50:
        return f"json_build_object({', '.join(pairs)})"
    chunks = [pairs[i : i + 50] for i in range(0, len(pairs), 50)]
    inner = ", ".join(f"left(right(json_build_object({', '.join(c)})::text, -1), -1)" for c in chunks)
    return f"('{{' || concat_ws(', ', {inner}) || '}}')::json"
