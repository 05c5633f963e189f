"""GraphQL documents generated over this project's schema, as each role sees it, sent to the engine.

Each example is a document with random root fields, aliases, arguments (`where`, `order_by`, `limit`,
`offset`, primary keys), nested relationships, named and inline fragments (spread once or twice), and
arguments lifted into variables; now and then a deliberate mistake (an unknown field, a wrong type). For
every answer: no HTTP 5xx, no `unexpected` error, no row of another organization; afterwards the credit
invariants hold. Seeded: CREDITS_FUZZ_SEED picks the run (printed on failure), examples are bounded so the
whole module stays well under 30 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
)
from hypothesis import HealthCheck, given, note, seed, settings
from hypothesis import strategies as st

from devdb.project import metadata_dir
from tests.e2e.conftest import DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY, Api, engine_env
from tests.servers import free_port, serving

SEED = int(os.environ.get("CREDITS_FUZZ_SEED", "20261202"))
EXAMPLES = int(os.environ.get("CREDITS_FUZZ_EXAMPLES", "60"))  # per role
ORG = "org_pro"
ROLES = ("anonymous", "viewer", "member", "org_admin", "owner")
# Action root fields call the actions service, which the actions fuzz covers; this one stays in the engine.
ACTION_FIELDS = frozenset(
    re.findall(r"^\s+(\w+)\s*\(", (metadata_dir() / "actions.graphql").read_text(), flags=re.MULTILINE)
)
SCALAR_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "String": st.sampled_from(["", "org_pro", "org_free_one", "plan_pro", "x'; --", "é"]),
    "Int": st.integers(-3, 1000),
    "bigint": st.integers(-(2**40), 2**40),
    "Float": st.floats(-1e6, 1e6, allow_nan=False),
    "numeric": st.sampled_from([0, 1, "12.50", -5, "99999999.99"]),
    "Boolean": st.booleans(),
    "timestamptz": st.sampled_from(["2026-01-01T00:00:00Z", "1970-01-01T00:00:00+02:00"]),
    "date": st.sampled_from(["2026-01-01", "2000-02-29"]),
    "uuid": st.sampled_from(["00000000-0000-0000-0000-000000000000"]),
}


def _unwrap(t: Any) -> Any:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _literal(value: Any) -> str:
    """A GraphQL literal for a JSON-like value (object keys are names, not strings)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Enum):
        return value.name
    return json.dumps(value)


@dataclass(frozen=True)
class _Enum:
    name: str


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.name if isinstance(value, _Enum) else value


@dataclass
class Doc:
    """A document being generated: its fragments and variables beside the operation."""

    draw: Any
    schema: GraphQLSchema
    fragments: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    declarations: list[str] = field(default_factory=list)

    def some(self, items: list[str], max_size: int, min_size: int = 0) -> list[str]:
        if not items:
            return []
        return list(
            self.draw(st.lists(st.sampled_from(items), min_size=min_size, max_size=max_size, unique=True))
        )

    def value(self, t: Any, depth: int = 0) -> Any:
        """A value of input type `t` (only what the schema's types allow, mostly)."""
        base = _unwrap(t)
        if isinstance(base, GraphQLScalarType):
            return self.draw(SCALAR_VALUES.get(base.name, st.sampled_from(["x"])))
        if isinstance(base, GraphQLEnumType):
            return _Enum(self.draw(st.sampled_from(sorted(base.values))))
        assert isinstance(base, GraphQLInputObjectType)
        return self.input_object(base, depth)

    def input_object(self, t: GraphQLInputObjectType, depth: int) -> dict[str, Any]:
        names = sorted(t.fields)
        if depth > 2:
            names = [n for n in names if not isinstance(_unwrap(t.fields[n].type), GraphQLInputObjectType)]
        required = [n for n in names if isinstance(t.fields[n].type, GraphQLNonNull)]
        chosen = required + self.some(names, 2)
        out: dict[str, Any] = {}
        for name in dict.fromkeys(chosen):
            ft = t.fields[name].type
            if isinstance(_unwrap(ft), GraphQLInputObjectType) and name in ("_and", "_or"):
                out[name] = [self.value(_unwrap(ft), depth + 1) for _ in range(self.draw(st.integers(0, 2)))]
            else:
                out[name] = self.value(ft, depth + 1)
        return out

    def argument(self, name: str, t: Any) -> str:
        value = self.value(t)
        if self.draw(st.integers(0, 3)) == 0:  # as a variable of the argument's declared type
            var = f"v{len(self.variables)}"
            self.variables[var] = _json(value)
            self.declarations.append(f"${var}: {t}")
            return f"{name}: ${var}"
        return f"{name}: {_literal(value)}"

    def arguments(self, f: Any) -> str:
        names = sorted(f.args)
        required = [n for n in names if isinstance(f.args[n].type, GraphQLNonNull)]
        optional = [n for n in names if n not in required and n not in ("distinct_on", "path")]
        chosen = required + self.some(optional, 3) if names else []
        parts = [self.argument(n, f.args[n].type) for n in dict.fromkeys(chosen)]
        return f"({', '.join(parts)})" if parts else ""

    def selection(self, t: GraphQLObjectType, depth: int) -> str:
        names = sorted(t.fields)
        scalars = [n for n in names if not isinstance(_unwrap(t.fields[n].type), GraphQLObjectType)]
        objects = [n for n in names if n not in scalars] if depth < 3 else []
        # Always what the tenancy property reads, where the type has it.
        picked = [n for n in ("organization_id", "id") if n in scalars and not t.fields[n].args]
        picked += self.some(scalars or ["__typename"], 3)
        picked += self.some(objects, 2)
        parts: list[str] = []
        for i, name in enumerate(dict.fromkeys(picked)):
            f = t.fields.get(name)
            alias = f"a{depth}_{i}: " if self.draw(st.integers(0, 4)) == 0 else ""
            if f is None or not isinstance(_unwrap(f.type), GraphQLObjectType):
                args = self.arguments(f) if f is not None and f.args and name != "id" else ""
                parts.append(f"{alias}{name}{args}")
                continue
            sub = self.selection(_unwrap(f.type), depth + 1)
            parts.append(f"{alias}{name}{self.arguments(f)} {{ {sub} }}")
        if self.draw(st.integers(0, 9)) == 0:
            parts.append("not_a_field")  # a mistake: must be a validation error
        body = " ".join(parts)
        how = self.draw(st.integers(0, 5))
        if how == 0:  # a named fragment, spread once or twice
            name = f"F{len(self.fragments)}"
            self.fragments.append(f"fragment {name} on {t.name} {{ {body} }}")
            return f"...{name} " * self.draw(st.integers(1, 2))
        if how == 1:
            return f"... on {t.name} {{ {body} }} __typename"
        return body

    def document(self, root: GraphQLObjectType, kind: str) -> str:
        fields = [n for n in sorted(root.fields) if n not in ACTION_FIELDS]
        picked = self.some(fields, 3, min_size=1)
        parts = []
        for i, name in enumerate(picked):
            f = root.fields[name]
            alias = f"r{i}: " if self.draw(st.booleans()) else ""
            target = _unwrap(f.type)
            sel = f" {{ {self.selection(target, 1)} }}" if isinstance(target, GraphQLObjectType) else ""
            parts.append(f"{alias}{name}{self.arguments(f)}{sel}")
        declared = f"({', '.join(self.declarations)})" if self.declarations else ""
        return f"{kind}{declared} {{ {' '.join(parts)} }} {' '.join(self.fragments)}"


@pytest.fixture(scope="module")
def api(db_url: str) -> Iterator[Api]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], engine_env(db_url, port), f"{base}/healthz"):
        yield Api(f"{base}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)


def _headers(api: Api, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    return {"authorization": f"Bearer {api.token(role, ORG, user='usr_fuzz')}"}


@pytest.fixture(scope="module")
def schemas(api: Api) -> dict[str, GraphQLSchema]:
    out = {}
    for role in ROLES:
        r = api.post(get_introspection_query(), headers=_headers(api, role))
        out[role] = build_client_schema(r["data"])
    return out


def _foreign_rows(value: Any) -> list[Any]:
    """Objects in an answer that belong to another organization than ORG."""
    found = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            org = node.get("organization_id")
            if org is not None and org != ORG:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _check(api: Api, role: str, doc: str, variables: dict[str, Any]) -> None:
    note(f"CREDITS_FUZZ_SEED={SEED} role={role}\n{doc}\nvariables={json.dumps(variables)}")
    r = api.http.post(api.url, json={"query": doc, "variables": variables}, headers=_headers(api, role))
    assert r.status_code < 500, r.text
    answer = r.json()
    for error in answer.get("errors", []):
        assert error["extensions"]["code"] not in ("unexpected", "internal"), error
    if "not_a_field" in doc:
        assert "errors" in answer
    assert _foreign_rows(answer.get("data")) == [], answer


@pytest.mark.parametrize("role", ROLES)
def test_generated_documents_keep_the_contract(
    api: Api, schemas: dict[str, GraphQLSchema], role: str
) -> None:
    schema = schemas[role]

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        doc = Doc(data.draw, schema)
        kind = "mutation" if schema.mutation_type and data.draw(st.integers(0, 4)) == 0 else "query"
        root = schema.mutation_type if kind == "mutation" else schema.query_type
        assert root is not None
        if kind == "mutation" and all(n in ACTION_FIELDS for n in root.fields):
            root, kind = schema.query_type, "query"
        _check(api, role, doc.document(root, kind), doc.variables)

    try:
        run()
    except Exception:
        print(f"graphql fuzz failed: reproduce with CREDITS_FUZZ_SEED={SEED}")
        raise


def test_the_tenancy_property_can_fail(api: Api) -> None:
    """Another organization's rows exist and admin sees them: `_foreign_rows` has something to find."""
    data = api.admin("{ organization_credit_balances { organization_id } }")
    assert _foreign_rows(data) != []


def test_invariants_hold_after_the_run(api: Api, db_url: str) -> None:
    async def violations() -> list[Any]:
        conn = await asyncpg.connect(db_url)
        try:
            return list(await conn.fetch("select * from check_credit_invariants(null)"))
        finally:
            await conn.close()

    assert asyncio.run(violations()) == []
