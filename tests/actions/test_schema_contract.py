"""hasura/metadata/actions.graphql + actions.yaml agree with the service's registry and pydantic models.

Both directions: every GraphQL argument/field exists in the model with the same nullability and scalar, and
every model field exists in GraphQL. Roles in actions.yaml equal the roles each Action accepts.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
)
from pydantic import BaseModel

from actions.action import Action
from actions.registry import ACTIONS

METADATA = Path(__file__).resolve().parents[2] / "hasura" / "metadata"
# Postgres scalars Hasura knows without a declaration; graphql-core needs them spelled out.
PG_SCALARS = "scalar jsonb\n"
SCALARS: dict[str, Any] = {"String": str, "Int": int, "Boolean": bool, "Credits": Decimal, "jsonb": Any}


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_schema(PG_SCALARS + (METADATA / "actions.graphql").read_text())


@pytest.fixture(scope="module")
def actions_yaml() -> dict:
    return yaml.safe_load((METADATA / "actions.yaml").read_text())


def _unwrap_optional(annotation: Any) -> tuple[bool, Any]:
    """(nullable, inner) for `X | None` / `Optional[X]`; Any counts as nullable."""
    if annotation is Any:
        return True, Any
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != len(typing.get_args(annotation)):
            assert len(args) == 1, annotation
            return True, args[0]
    if origin is typing.Annotated:
        return _unwrap_optional(typing.get_args(annotation)[0])
    return False, annotation


def _base(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def assert_same_type(gql_type: Any, annotation: Any, where: str) -> None:
    nullable, inner = _unwrap_optional(annotation)
    is_non_null = isinstance(gql_type, GraphQLNonNull)
    if inner is not Any:  # jsonb: any JSON including null
        assert nullable != is_non_null, (
            f"{where}: nullability differs (graphql {gql_type}, python {annotation})"
        )
    named = gql_type.of_type if is_non_null else gql_type
    if isinstance(named, GraphQLList):
        assert typing.get_origin(_base(inner)) is list, f"{where}: graphql list, python {annotation}"
        assert_same_type(named.of_type, typing.get_args(_base(inner))[0], where + "[]")
    elif isinstance(named, GraphQLScalarType):
        assert SCALARS[named.name] is _base(inner), f"{where}: graphql {named.name}, python {annotation}"
    else:
        assert isinstance(named, GraphQLObjectType | GraphQLInputObjectType), where
        assert isinstance(inner, type) and issubclass(inner, BaseModel), f"{where}: python {annotation}"
        assert_same_object(named, inner)


def assert_same_object(gql: GraphQLObjectType | GraphQLInputObjectType, model: type[BaseModel]) -> None:
    assert gql.name == model.__name__, f"graphql type {gql.name} is model {model.__name__}"
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    assert set(gql.fields) == set(fields), (
        f"{gql.name}: graphql {sorted(gql.fields)} vs model {sorted(fields)}"
    )
    for name, field in gql.fields.items():
        assert_same_type(field.type, fields[name].annotation, f"{gql.name}.{name}")


def root_field(schema: Any, name: str) -> tuple[str, Any]:
    for root in ("query_type", "mutation_type"):
        operation = getattr(schema, root)
        if operation and name in operation.fields:
            return root, operation.fields[name]
    raise AssertionError(f"action {name} is not in actions.graphql")


def test_every_graphql_action_is_served_and_every_served_action_is_declared(
    schema: Any, actions_yaml: dict
) -> None:
    declared = set(schema.query_type.fields) | set(schema.mutation_type.fields)
    assert declared == set(ACTIONS)
    assert {a["name"] for a in actions_yaml["actions"]} == set(ACTIONS)


def test_only_ai_access_check_is_a_query(schema: Any) -> None:
    assert set(schema.query_type.fields) == {"aiAccessCheck"}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_arguments_match_input_model(schema: Any, name: str) -> None:
    action: Action = ACTIONS[name]
    _, field = root_field(schema, name)
    model_fields = {info.alias or n: info for n, info in action.input_model.model_fields.items()}
    assert set(field.args) == set(model_fields), name
    for arg_name, arg in field.args.items():
        info = model_fields[arg_name]
        assert_same_type(arg.type, info.annotation, f"{name}({arg_name})")
        # A nullable argument may be omitted; a non-null one must be required by the model too.
        assert info.is_required() == isinstance(arg.type, GraphQLNonNull), f"{name}({arg_name}) required"


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_output_matches_output_model(schema: Any, name: str) -> None:
    action = ACTIONS[name]
    _, field = root_field(schema, name)
    assert not isinstance(field.type, GraphQLNonNull), "action outputs are nullable (errors give null data)"
    assert_same_object(field.type, action.output_model)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_actions_yaml_roles_and_handler(actions_yaml: dict, name: str) -> None:
    entry = next(a for a in actions_yaml["actions"] if a["name"] == name)
    roles = {p["role"] for p in entry.get("permissions") or []}
    action = ACTIONS[name]
    assert roles == set(action.roles), name
    assert "admin" not in roles
    definition = entry["definition"]
    assert definition["handler"] == "{{ACTIONS_BASE_URL}}/actions"
    assert definition["kind"] == "synchronous"
    assert definition["timeout"] == 10
    assert definition["headers"] == [
        {"name": "X-Credits-Action-Secret", "value_from_env": "CREDITS_HASURA_ACTION_SECRET"}
    ]


def test_custom_types_listed_in_actions_yaml(schema: Any, actions_yaml: dict) -> None:
    objects = {o["name"] for o in actions_yaml["custom_types"]["objects"]}
    sdl_objects = {
        n
        for n, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not n.startswith("__") and n not in ("Query", "Mutation")
    }
    assert objects == sdl_objects
    inputs = {o["name"] for o in actions_yaml["custom_types"]["input_objects"]}
    assert inputs == {n for n, t in schema.type_map.items() if isinstance(t, GraphQLInputObjectType)}
    assert [s["name"] for s in actions_yaml["custom_types"]["scalars"]] == ["Credits"]
