"""Hasura metadata v3: read the CLI directory into the JSON document Hasura's API speaks, and resolve that
document against the database catalog into the model the schema and compiler use.

The JSON document (`export_metadata` shape) is the single source of truth in memory: the directory loader
produces it, `replace_metadata` and the /v1/query setup calls edit it, and `resolve` turns it into a model
plus Hasura-style inconsistency reports.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from graphql import parse as gql_parse
from graphql.language import ast as gast
from graphql.language.printer import print_ast

from gqlengine.metadata.catalog import Catalog, Table

JSON = Any


class MetadataError(Exception):
    def __init__(self, message: str, code: str = "parse-failed", path: str = "$") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path


# ---------------------------------------------------------------- directory loading


class _IncludeLoader(yaml.SafeLoader):
    pass


def _include_tag(loader: _IncludeLoader, node: yaml.Node) -> JSON:
    return _Include(loader.construct_scalar(node))  # type: ignore[arg-type]


@dataclass
class _Include:
    path: str


_IncludeLoader.add_constructor("!include", _include_tag)


def _load_yaml(path: Path) -> JSON:
    with path.open() as f:
        data = yaml.load(f, Loader=_IncludeLoader)
    return _expand(data, path.parent)


def _expand(value: JSON, base: Path) -> JSON:
    """Replace `!include x` tags and strings containing `!include` by the parsed file (CLI rule)."""
    if isinstance(value, _Include):
        return _load_yaml(base / value.path.strip())
    if isinstance(value, str) and value.strip().startswith("!include"):
        return _load_yaml(base / value.strip()[len("!include") :].strip())
    if isinstance(value, list):
        return [_expand(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, base) for k, v in value.items()}
    return value


_OPTIONAL_FILES: dict[str, tuple[str, JSON]] = {
    "allowlist": ("allow_list.yaml", []),
    "api_limits": ("api_limits.yaml", {}),
    "backend_configs": ("backend_configs.yaml", {}),
    "cron_triggers": ("cron_triggers.yaml", []),
    "graphql_schema_introspection": ("graphql_schema_introspection.yaml", {}),
    "inherited_roles": ("inherited_roles.yaml", []),
    "metrics_config": ("metrics_config.yaml", {}),
    "network": ("network.yaml", {}),
    "opentelemetry": ("opentelemetry.yaml", {}),
    "query_collections": ("query_collections.yaml", []),
    "remote_schemas": ("remote_schemas.yaml", []),
    "rest_endpoints": ("rest_endpoints.yaml", []),
}


def load_directory(directory: Path) -> JSON:
    """The metadata JSON document for a CLI metadata directory."""
    version_file = directory / "version.yaml"
    if not version_file.exists():
        raise MetadataError(f"{version_file} is missing (metadata v3 needs version.yaml)")
    version = (_load_yaml(version_file) or {}).get("version")
    if version != 3:
        raise MetadataError(f"unsupported metadata version {version!r}; expected 3")
    db_file = directory / "databases" / "databases.yaml"
    sources = _load_yaml(db_file) if db_file.exists() else []
    doc: dict[str, JSON] = {"version": 3, "sources": sources or []}
    for key, (name, empty) in _OPTIONAL_FILES.items():
        path = directory / name
        value = _load_yaml(path) if path.exists() else None
        doc[key] = value if value is not None else copy.deepcopy(empty)
    actions_yaml = directory / "actions.yaml"
    actions_sdl = directory / "actions.graphql"
    ayaml = (_load_yaml(actions_yaml) if actions_yaml.exists() else None) or {}
    sdl = actions_sdl.read_text() if actions_sdl.exists() else ""
    actions, custom_types = merge_actions(sdl, ayaml)
    doc["actions"] = actions
    doc["custom_types"] = custom_types
    # Empty optional sections are left out of the document, as Hasura's export does.
    return {k: v for k, v in doc.items() if v not in ([], {}, None) or k in ("version", "sources")}


def _type_str(t: gast.TypeNode) -> str:
    return print_ast(t)


def merge_actions(sdl: str, ayaml: JSON) -> tuple[list[JSON], JSON]:
    """Join actions.graphql (types, arguments) with actions.yaml (handler, permissions) as the CLI does."""
    entries = {a["name"]: a for a in (ayaml.get("actions") or [])}
    types_yaml = ayaml.get("custom_types") or {}
    actions: list[JSON] = []
    objects: list[JSON] = []
    inputs: list[JSON] = []
    enums: list[JSON] = []
    scalars: list[JSON] = []
    if sdl.strip():
        try:
            document = gql_parse(sdl)
        except Exception as exc:
            raise MetadataError(f"actions.graphql: {exc}") from exc
        seen: set[str] = set()
        for d in document.definitions:
            if isinstance(
                d, gast.ObjectTypeDefinitionNode | gast.ObjectTypeExtensionNode
            ) and d.name.value in (
                "Query",
                "Mutation",
            ):
                kind = "query" if d.name.value == "Query" else "mutation"
                for f in d.fields or ():
                    name = f.name.value
                    seen.add(name)
                    entry = entries.get(name)
                    if entry is None:
                        raise MetadataError(f"action {name} is not present in actions.yaml")
                    definition = dict(entry.get("definition") or {})
                    definition["type"] = kind
                    if kind == "query":
                        definition.pop("kind", None)
                    else:
                        definition.setdefault("kind", "synchronous")
                    definition["arguments"] = [
                        {"name": a.name.value, "type": _type_str(a.type)} for a in f.arguments or ()
                    ]
                    definition["output_type"] = _type_str(f.type)
                    definition.setdefault("forward_client_headers", False)
                    definition.setdefault("headers", [])
                    out = {"name": name, "definition": definition}
                    if entry.get("permissions"):
                        out["permissions"] = entry["permissions"]
                    if entry.get("comment"):
                        out["comment"] = entry["comment"]
                    actions.append(out)
            elif isinstance(d, gast.ObjectTypeDefinitionNode):
                rels = next(
                    (
                        o.get("relationships")
                        for o in types_yaml.get("objects") or []
                        if o["name"] == d.name.value
                    ),
                    None,
                )
                obj: dict[str, JSON] = {
                    "name": d.name.value,
                    "fields": [{"name": f.name.value, "type": _type_str(f.type)} for f in d.fields or ()],
                }
                if rels:
                    obj["relationships"] = rels
                objects.append(obj)
            elif isinstance(d, gast.InputObjectTypeDefinitionNode):
                inputs.append(
                    {
                        "name": d.name.value,
                        "fields": [{"name": f.name.value, "type": _type_str(f.type)} for f in d.fields or ()],
                    }
                )
            elif isinstance(d, gast.EnumTypeDefinitionNode):
                enums.append(
                    {"name": d.name.value, "values": [{"value": v.name.value} for v in d.values or ()]}
                )
            elif isinstance(d, gast.ScalarTypeDefinitionNode):
                scalars.append({"name": d.name.value})
        for name in entries:
            if name not in seen:
                raise MetadataError(f"action {name} is not present in actions.graphql")
    elif entries:
        raise MetadataError(f"action {next(iter(entries))} is not present in actions.graphql")
    custom_types: dict[str, JSON] = {}
    if objects:
        custom_types["objects"] = objects
    if inputs:
        custom_types["input_objects"] = inputs
    if enums:
        custom_types["enums"] = enums
    if scalars:
        custom_types["scalars"] = scalars
    return actions, custom_types


def source_url(source: JSON) -> str | None:
    """The database URL of a source, following `from_env`; None if the variable is unset."""
    conn = ((source.get("configuration") or {}).get("connection_info") or {}).get("database_url")
    if isinstance(conn, str):
        return conn
    if isinstance(conn, dict) and "from_env" in conn:
        return os.environ.get(conn["from_env"])
    if isinstance(conn, dict) and "host" in conn:
        user = conn.get("username", "postgres")
        pw = conn.get("password")
        auth = f"{user}:{pw}" if pw else user
        return f"postgresql://{auth}@{conn['host']}:{conn.get('port', 5432)}/{conn['database']}"
    return None


# ---------------------------------------------------------------- resolved model


@dataclass
class Relationship:
    name: str
    kind: str  # "object" | "array"
    target: tuple[str, str]
    mapping: list[tuple[str, str]]  # (column on this table, column on the target)
    description: str | None = None


@dataclass
class ComputedField:
    name: str
    function: tuple[str, str]
    return_udt: str
    session_argument: str | None
    table_argument_index: int
    argument_count: int
    returns_table: tuple[str, str] | None = None  # set-returning: rows of this tracked table
    # Arguments besides the row and the session, given by the client as `args: {name: value}`:
    # (name, (type schema, type name)); all argument names, for calls in named notation.
    input_args: list[tuple[str, tuple[str, str]]] = field(default_factory=list)
    input_args_required: bool = False
    arg_names: list[str] = field(default_factory=list)
    session_argument_index: int | None = None
    description: str | None = None


@dataclass
class SelectPermission:
    columns: list[str]
    computed_fields: list[str]
    filter: JSON
    limit: int | None
    allow_aggregations: bool
    root_fields: set[str] | None
    subscription_root_fields: set[str] | None = None
    # An inherited role's columns and computed fields that only some parents allow: the rows they show on.
    column_filters: dict[str, JSON] = field(default_factory=dict)


@dataclass
class TrackedTable:
    schema: str
    name: str
    gql_name: str
    table: Table
    root_fields: dict[str, str]
    relationships: dict[str, Relationship] = field(default_factory=dict)
    computed_fields: dict[str, ComputedField] = field(default_factory=dict)
    select: dict[str, SelectPermission] = field(default_factory=dict)
    # insert/update/delete permissions by kind and role, as written in metadata (validated)
    mutations: dict[str, dict[str, JSON]] = field(
        default_factory=lambda: {"insert": {}, "update": {}, "delete": {}}
    )
    raw: JSON = None
    # An enum table (`is_enum`): its rows (value, description), read from the database at load.
    enum_values: list[tuple[str, str | None]] | None = None
    # Columns of this table that reference an enum table: GraphQL gives them that table's enum type.
    enum_columns: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def enum_name(self) -> str:
        return f"{self.gql_name}_enum"

    # Descriptions as Hasura gives them: a comment in metadata wins (an empty one means none), then the
    # database's COMMENT ON, then Hasura's default text.
    def _config(self) -> JSON:
        return (self.raw or {}).get("configuration") or {}

    def description(self) -> str | None:
        return described(self._config(), self.table.comment or f'columns and relationships of "{self.name}"')

    def column_description(self, column: str) -> str | None:
        config = (self._config().get("column_config") or {}).get(column)
        return described(config, self.table.columns[column].comment)

    def root_field_description(self, kind: str, default: str) -> str | None:
        return described((self._config().get("custom_root_fields") or {}).get(kind), default)


def described(holder: JSON, fallback: str | None) -> str | None:
    """`holder["comment"]` when metadata sets it ("" for no description), else `fallback`."""
    if isinstance(holder, dict) and holder.get("comment") is not None:
        return holder["comment"] or None
    return fallback


@dataclass
class Action:
    name: str
    type: str  # query | mutation
    arguments: list[tuple[str, str]]
    output_type: str
    handler: str
    headers: list[JSON]
    forward_client_headers: bool
    timeout: int
    roles: set[str]


@dataclass
class TrackedFunction:
    """A SQL function tracked as root fields (`fn`, `fn_aggregate`) returning rows of a tracked table."""

    key: tuple[str, str]
    root_fields: dict[str, str]  # function / function_aggregate -> GraphQL name
    returns_table: tuple[str, str]
    exposed_as: str  # query | mutation
    returns_set: bool  # SETOF table: a list; one row of the table: an object
    # Arguments the client gives as `args: {name: value}` (the session argument is the engine's).
    input_args: list[tuple[str, tuple[str, str]]]
    session_argument: str | None
    # Roles given explicitly (function permissions); others may call it when they may select the rows.
    roles: set[str]
    input_args_required: bool = False
    description: str | None = None

    @property
    def function(self) -> tuple[str, str]:  # the name computed fields use (shared `<fn>_args` type)
        return self.key


@dataclass
class Model:
    tables: dict[tuple[str, str], TrackedTable]
    actions: dict[str, Action]
    custom_types: JSON
    roles: set[str]
    inconsistencies: list[JSON]
    functions: dict[str, TrackedFunction] = field(default_factory=dict)


def table_key(ref: JSON) -> tuple[str, str]:
    if isinstance(ref, str):
        return ("public", ref)
    return (ref.get("schema", "public"), ref["name"])


def _qualified(key: tuple[str, str]) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}_{key[1]}"


_ROOT_FIELD_KINDS = ("select", "select_by_pk", "select_aggregate")


def _root_fields(gql: str, config: JSON) -> dict[str, str]:
    names = {
        "select": gql,
        "select_by_pk": f"{gql}_by_pk",
        "select_aggregate": f"{gql}_aggregate",
        "select_stream": f"{gql}_stream",
        "insert": f"insert_{gql}",
        "insert_one": f"insert_{gql}_one",
        "update": f"update_{gql}",
        "update_by_pk": f"update_{gql}_by_pk",
        "update_many": f"update_{gql}_many",
        "delete": f"delete_{gql}",
        "delete_by_pk": f"delete_{gql}_by_pk",
    }
    for kind, value in ((config or {}).get("custom_root_fields") or {}).items():
        if kind in names and value:
            names[kind] = value if isinstance(value, str) else value.get("name") or names[kind]
    return names


PERMISSION_OPERATORS = {
    "_eq", "_ne", "_neq", "_gt", "_lt", "_gte", "_lte", "_in", "_nin", "_is_null",
    "_like", "_nlike", "_ilike", "_nilike", "_similar", "_nsimilar",
    "_regex", "_iregex", "_nregex", "_niregex",
    "_contains", "_contained_in", "_has_key", "_has_keys_any", "_has_keys_all",
    "_ceq", "_cne", "_cneq", "_cgt", "_clt", "_cgte", "_clte",
}  # fmt: skip


def _bool_exp_columns(exp: JSON, table: Table, model_tables: dict, errors: list[str]) -> None:
    """Check every column / relationship named in a permission bool exp exists."""
    if not isinstance(exp, dict):
        return
    for key, value in exp.items():
        if key in ("_and", "_or", "$and", "$or"):
            for item in value or []:
                _bool_exp_columns(item, table, model_tables, errors)
        elif key in ("_not", "$not"):
            _bool_exp_columns(value, table, model_tables, errors)
        elif key in ("_exists", "$exists"):
            target = model_tables.get(table_key(value.get("_table")))
            if target is None:
                errors.append(f'table "{table_key(value.get("_table"))[1]}" does not exist')
            else:
                _bool_exp_columns(value.get("_where") or {}, target[0], model_tables, errors)
        elif key in table.columns:
            if isinstance(value, dict):
                for op in value:
                    if "_" + op[1:] not in PERMISSION_OPERATORS or op[0] not in "_$":
                        errors.append(f'"{op}" is not a valid boolean operator on column "{key}"')
        else:
            tracked = model_tables.get((table.schema, table.name))
            rel = tracked[1].get(key) if tracked else None
            cf = tracked[2].get(key) if tracked else None
            if rel is not None:
                target = model_tables.get(rel.target)
                if target is not None:
                    _bool_exp_columns(value, target[0], model_tables, errors)
            elif cf is not None and not cf.input_args:
                # A computed field filters like a column (scalar) or an array relationship (rows of a table).
                target = model_tables.get(cf.returns_table) if cf.returns_table else None
                if target is not None:
                    _bool_exp_columns(value, target[0], model_tables, errors)
            else:
                errors.append(f'"{key}" is not a column or relationship of table "{table.name}"')


def resolve(doc: JSON, catalog: Catalog) -> Model:
    """Resolve the metadata document against the catalog; unresolvable objects become inconsistencies."""
    inconsistent: list[JSON] = []
    tables: dict[tuple[str, str], TrackedTable] = {}
    roles: set[str] = set()
    source = next(iter(doc.get("sources") or []), None)
    entries = (source or {}).get("tables") or []

    def bad(kind: str, name: str, definition: JSON, reason: str) -> None:
        inconsistent.append({"type": kind, "name": name, "definition": definition, "reason": reason})

    # Pass 1: tables.
    for entry in entries:
        key = table_key(entry["table"])
        t = catalog.table(*key)
        if t is None:
            bad(
                "table",
                f"table {key[1]} in source default",
                entry["table"],
                f'Inconsistent object: no such table/view exists in source: "{_qualified(key)}"',
            )
            continue
        config = entry.get("configuration") or {}
        gql = config.get("custom_name") or _qualified(key)
        if entry.get("is_enum") and (reason := _enum_table_problem(t)):
            name = f"table {key[1]} in source default"
            bad("table", name, entry["table"], f"Inconsistent object: {reason}")
            continue
        tables[key] = TrackedTable(key[0], key[1], gql, t, _root_fields(gql, config), raw=entry)
        if entry.get("is_enum"):
            tables[key].enum_values = []
    # A single-column foreign key to an enum table's key makes the column that enum.
    for tt in tables.values():
        for fk in tt.table.foreign_keys:
            target = tables.get(fk.ref_table)
            if target is not None and target.enum_values is not None and len(fk.columns) == 1:
                tt.enum_columns[fk.columns[0]] = fk.ref_table

    # Pass 2: relationships.
    for tt in tables.values():
        entry = tt.raw
        for kind in ("object", "array"):
            for rel in entry.get(f"{kind}_relationships") or []:
                name = rel["name"]
                qual = f"{name} in table {tt.name} in source default"
                try:
                    resolved = _resolve_relationship(tt, kind, rel, catalog)
                except MetadataError as exc:
                    bad(
                        f"{kind}_relation",
                        qual,
                        rel,
                        f'Inconsistent object: in table "{tt.name}": {exc.message}',
                    )
                    continue
                if resolved.target not in tables:
                    bad(
                        f"{kind}_relation",
                        qual,
                        rel,
                        f'Inconsistent object: in table "{tt.name}": '
                        f'table "{resolved.target[1]}" is not tracked',
                    )
                    continue
                if name in tt.table.columns or name in tt.relationships:
                    bad(f"{kind}_relation", qual, rel, f'multiple declarations exist for "{name}"')
                    continue
                resolved.description = described(rel, f"An {kind} relationship")
                tt.relationships[name] = resolved

    # Pass 3: computed fields.
    for tt in tables.values():
        for cf in tt.raw.get("computed_fields") or []:
            try:
                tt.computed_fields[cf["name"]] = _resolve_computed(tt, cf, catalog)
            except MetadataError as exc:
                bad(
                    "computed_field",
                    f"{cf['name']} in table {tt.name} in source default",
                    cf,
                    f'Inconsistent object: in table "{tt.name}": '
                    f'in computed field "{cf["name"]}": {exc.message}',
                )

    # Pass 4: select permissions.
    lookup = {k: (v.table, v.relationships, v.computed_fields) for k, v in tables.items()}
    for tt in tables.values():
        for perm in tt.raw.get("select_permissions") or []:
            role = perm["role"]
            p = perm.get("permission") or {}
            errors: list[str] = []
            cols = p.get("columns", [])
            if cols == "*":
                cols = list(tt.table.columns)
            for c in cols:
                if c not in tt.table.columns:
                    errors.append(f'column "{c}" does not exist')
            for c in p.get("computed_fields") or []:
                if c not in tt.computed_fields:
                    errors.append(f'computed field "{c}" does not exist')
            _bool_exp_columns(p.get("filter") or {}, tt.table, lookup, errors)
            if errors:
                bad(
                    "select_permission",
                    f"{role} in table {tt.name} in source default",
                    perm,
                    f'Inconsistent object: in table "{tt.name}": '
                    f'in permission for role "{role}": {errors[0]}',
                )
                continue
            qrf = p.get("query_root_fields")
            tt.select[role] = SelectPermission(
                columns=[c for c in tt.table.columns if c in cols],
                computed_fields=list(p.get("computed_fields") or []),
                filter=p.get("filter") or {},
                limit=p.get("limit"),
                allow_aggregations=bool(p.get("allow_aggregations", False)),
                root_fields=set(qrf) if qrf is not None else None,
                subscription_root_fields=(
                    set(p["subscription_root_fields"])
                    if p.get("subscription_root_fields") is not None
                    else None
                ),
            )
            roles.add(role)
        for kind in ("insert", "update", "delete"):
            for perm in tt.raw.get(f"{kind}_permissions") or []:
                role = perm["role"]
                p = perm.get("permission") or {}
                errors = []
                cols = p.get("columns") or []
                for c in [] if cols == "*" else cols:
                    if c not in tt.table.columns:
                        errors.append(f'column "{c}" does not exist')
                for c in p.get("set") or {}:
                    if c not in tt.table.columns:
                        errors.append(f'column "{c}" does not exist')
                for clause in ("filter", "check"):
                    _bool_exp_columns(p.get(clause) or {}, tt.table, lookup, errors)
                if errors:
                    bad(
                        f"{kind}_permission",
                        f"{role} in table {tt.name} in source default",
                        perm,
                        f'Inconsistent object: in table "{tt.name}": '
                        f'in permission for role "{role}": {errors[0]}',
                    )
                    continue
                roles.add(role)
                tt.mutations[kind][role] = p

    actions: dict[str, Action] = {}
    for a in doc.get("actions") or []:
        d = a.get("definition") or {}
        if refused := refused_header(d):
            bad("action", a["name"], a, f"Inconsistent object: {refused[1]}")
            continue
        perms = {p["role"] for p in a.get("permissions") or []}
        roles |= perms
        actions[a["name"]] = Action(
            name=a["name"],
            type=d.get("type", "mutation"),
            arguments=[(x["name"], x["type"]) for x in d.get("arguments") or []],
            output_type=d.get("output_type", "String"),
            handler=d.get("handler", ""),
            headers=d.get("headers") or [],
            forward_client_headers=bool(d.get("forward_client_headers", False)),
            timeout=int(d.get("timeout") or 30),
            roles=perms,
        )
    functions: dict[str, TrackedFunction] = {}
    for entry in (source or {}).get("functions") or []:
        key = table_key(entry.get("function"))
        try:
            tf = _resolve_function(entry, catalog, tables)
        except MetadataError as exc:
            bad(
                "function",
                f"function {_qualified(key)} in source default",
                {"schema": key[0], "name": key[1]},
                f'Inconsistent object: in function "{_qualified(key)}": {exc.message}',
            )
            continue
        functions[_qualified(key)] = tf
        roles |= tf.roles
    return Model(tables, actions, doc.get("custom_types") or {}, roles, inconsistent, functions)


def _resolve_function(
    entry: JSON, catalog: Catalog, tables: dict[tuple[str, str], TrackedTable]
) -> TrackedFunction:
    key = table_key(entry.get("function"))
    overloads = catalog.functions.get(key) or []
    if not overloads:
        raise MetadataError("no such function exists")
    if len(overloads) > 1:
        raise MetadataError("function is overloaded; overloaded functions are not supported")
    fn = overloads[0]
    if fn.return_type not in tables:
        raise MetadataError(f'the function "{key[1]}" does not return a "SETOF" table that is tracked')
    config = entry.get("configuration") or {}
    session = config.get("session_argument")
    names = list(fn.arg_names[: len(fn.arg_types)])
    if session and session not in names:
        raise MetadataError(f'session argument "{session}" not found')
    if any(not n for n in names):
        raise MetadataError("function has unnamed input arguments")
    if any(t in tables for n, t in zip(names, fn.arg_types, strict=True) if n != session):
        # Its arguments would need a scalar named like the table's object type; such a function serves
        # as a computed field of that table instead.
        raise MetadataError("a function taking a table row can only be a computed field of that table")
    exposed = config.get("exposed_as") or ("mutation" if fn.volatility == "v" else "query")
    if exposed == "mutation" and fn.volatility != "v":
        raise MetadataError(
            f'the function "{key[1]}" cannot be tracked because the function was requested to be exposed '
            "as a mutation, but is not marked VOLATILE. Maybe the function was given the wrong volatility "
            "when it was defined?"
        )
    gql = config.get("custom_name") or _qualified(key)
    custom = config.get("custom_root_fields") or {}
    root = {"function": custom.get("function") or gql}
    root["function_aggregate"] = custom.get("function_aggregate") or f"{root['function']}_aggregate"
    return TrackedFunction(
        key=key,
        root_fields=root,
        returns_table=fn.return_type,
        exposed_as=exposed,
        returns_set=fn.returns_set,
        input_args=[(n, t) for n, t in zip(names, fn.arg_types, strict=True) if n != session],
        session_argument=session,
        roles={p["role"] for p in entry.get("permissions") or []},
        input_args_required=any(
            i < len(fn.arg_types) - fn.defaults for i, n in enumerate(names) if n != session
        ),
        description=described(
            entry, fn.comment or f'execute function "{key[1]}" which returns "{fn.return_type[1]}"'
        ),
    )


def refused_header(definition: JSON) -> tuple[int, str] | None:
    """A header whose value would come from one of the engine's own settings (the admin secret among them):
    Hasura refuses it, so no handler can be configured to receive the engine's secrets. (index, message)"""
    for i, h in enumerate(definition.get("headers") or []):
        env = h.get("value_from_env") if isinstance(h, dict) else None
        if isinstance(env, str) and env.startswith("HASURA_GRAPHQL_"):
            return (
                i,
                f'env variables starting with "HASURA_GRAPHQL_" are not allowed in value_from_env: {env}',
            )
    return None


def _resolve_relationship(tt: TrackedTable, kind: str, rel: JSON, catalog: Catalog) -> Relationship:
    using = rel.get("using") or {}
    if "manual_configuration" in using:
        mc = using["manual_configuration"]
        target = table_key(mc["remote_table"])
        remote = catalog.table(*target)
        if remote is None:
            raise MetadataError(f'table "{target[1]}" does not exist')
        mapping = list((mc.get("column_mapping") or {}).items())
        for local, far in mapping:
            if local not in tt.table.columns:
                raise MetadataError(f'column "{local}" does not exist')
            if far not in remote.columns:
                raise MetadataError(f'column "{far}" does not exist in table "{target[1]}"')
        return Relationship(rel["name"], kind, target, mapping)
    fk_on = using.get("foreign_key_constraint_on")
    if fk_on is None:
        raise MetadataError("relationship needs foreign_key_constraint_on or manual_configuration")
    if isinstance(fk_on, str | list) and kind == "object":
        cols = [fk_on] if isinstance(fk_on, str) else list(fk_on)
        for c in cols:
            if c not in tt.table.columns:
                raise MetadataError(f'column "{c}" does not exist')
        for fk in tt.table.foreign_keys:
            if sorted(fk.columns) == sorted(cols):
                return Relationship(
                    rel["name"], kind, fk.ref_table, list(zip(fk.columns, fk.ref_columns, strict=True))
                )
        raise MetadataError(f'no foreign constraint exists on the given column(s) "{", ".join(cols)}"')
    # {table, column(s)}: the FK lives on the remote table and points at this one.
    target = table_key(fk_on["table"])
    remote = catalog.table(*target)
    if remote is None:
        raise MetadataError(f'table "{target[1]}" does not exist')
    cols = fk_on.get("columns") or fk_on.get("column")
    cols = [cols] if isinstance(cols, str) else list(cols or [])
    for fk in remote.foreign_keys:
        if sorted(fk.columns) == sorted(cols) and fk.ref_table == tt.key:
            return Relationship(rel["name"], kind, target, list(zip(fk.ref_columns, fk.columns, strict=True)))
    raise MetadataError(
        f'no foreign constraint exists on the given column(s) "{", ".join(cols)}" of table "{target[1]}"'
    )


def _resolve_computed(tt: TrackedTable, cf: JSON, catalog: Catalog) -> ComputedField:
    d = cf.get("definition") or {}
    fref = d.get("function")
    fkey = table_key(fref)
    fns = catalog.functions.get(fkey)
    if not fns:
        raise MetadataError(f'no such function exists: "{fkey[1]}"')
    if len(fns) > 1:
        raise MetadataError(f'function "{fkey[1]}" is overloaded')
    fn = fns[0]
    returns_table = None
    if fn.returns_set:
        if catalog.table(*fn.return_type) is None:
            raise MetadataError(f'function "{fkey[1]}" must return a scalar or SETOF a table')
        returns_table = fn.return_type
    table_arg = d.get("table_argument")
    idx = 0
    if table_arg is not None:
        if table_arg not in fn.arg_names:
            raise MetadataError(f'table argument "{table_arg}" not found')
        idx = fn.arg_names.index(table_arg)
    if not fn.arg_types or fn.arg_types[idx] != tt.key:
        raise MetadataError(f'first argument of the function "{fkey[1]}" is not the table "{tt.name}"')
    session = d.get("session_argument")
    session_idx = None
    if session:
        if session not in fn.arg_names:
            raise MetadataError(f'session argument "{session}" not found')
        session_idx = fn.arg_names.index(session)
    inputs = [i for i in range(len(fn.arg_types)) if i not in (idx, session_idx)]
    if inputs and (len(fn.arg_names) < len(fn.arg_types) or not all(fn.arg_names[: len(fn.arg_types)])):
        raise MetadataError(f'function "{fkey[1]}" has unnamed input arguments other than the table row')
    first_default = len(fn.arg_types) - fn.defaults
    return ComputedField(
        cf["name"],
        fkey,
        fn.return_type[1],
        session,
        idx,
        len(fn.arg_types),
        returns_table,
        [(fn.arg_names[i], fn.arg_types[i]) for i in inputs],
        any(i < first_default for i in inputs),
        list(fn.arg_names[: len(fn.arg_types)]),
        session_idx,
        described(cf, fn.comment or f'A computed field, executes function "{fkey[1]}"'),
    )


def format_inconsistencies(items: list[JSON]) -> str:
    return "\n".join(f"- {i.get('type', 'conflict')} {i.get('name', '')}: {i['reason']}" for i in items)


def _enum_table_problem(t: Table) -> str | None:
    """Why a table cannot be an enum table (Hasura's rules), or None."""
    if len(t.primary_key) != 1 or t.columns[t.primary_key[0]].udt not in ("text", "varchar", "bpchar"):
        return (
            f'the table "{t.name}" cannot be used as an enum because its primary key is not a single text '
            "column"
        )
    others = [c for c in t.columns if c != t.primary_key[0]]
    if len(others) > 1 or (others and t.columns[others[0]].udt not in ("text", "varchar", "bpchar")):
        return (
            f'the table "{t.name}" cannot be used as an enum because it has columns other than its key and '
            "one text column for descriptions"
        )
    return None


async def load_enum_values(conn: Any, model: Model) -> None:
    """Read each enum table's rows: its values become the GraphQL enum (a reload picks up new rows)."""
    for tt in model.tables.values():
        if tt.enum_values is None:
            continue
        key = tt.table.primary_key[0]
        others = [c for c in tt.table.columns if c != key]
        comment = f", {_ident(others[0])}::text" if others else ", NULL::text"
        rows = await conn.fetch(
            f"SELECT {_ident(key)}::text{comment} FROM {_ident(tt.schema)}.{_ident(tt.name)} ORDER BY 1"
        )
        tt.enum_values = [(r[0], r[1]) for r in rows]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
