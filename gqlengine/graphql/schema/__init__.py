"""One graphql-core schema per role, with Hasura v2's type and field names.

The schema is used for parsing, validation and introspection only; execution is compiled SQL. Next to the
graphql-core objects, each role schema keeps `RoleSchema.tables`: which table (and which permission) a
GraphQL object type stands for, which the compiler reads.

The parts: `scalars` and `views` (what every part uses), then the builder in layers: `fields` (its state
and column helpers), `inputs` (bool_exp, order_by), `outputs` (object and aggregate types), `mutations`, and
`build` (the root types, `build_role_schema`).
"""

from gqlengine.graphql.schema.build import build_role_schema
from gqlengine.graphql.schema.scalars import (
    AGG_FUNCTIONS,
    COMPARABLE_UDTS,
    NUMERIC_UDTS,
    ORDER_BY,
    TEXT_OPS,
    TEXT_UDTS,
    comparison_exp,
    input_type_of,
    scalar_for,
    scalar_name,
)
from gqlengine.graphql.schema.views import ADMIN, RoleSchema, RootField, TableView, mutation_perms, role_views

__all__ = [
    "ADMIN",
    "AGG_FUNCTIONS",
    "COMPARABLE_UDTS",
    "NUMERIC_UDTS",
    "ORDER_BY",
    "TEXT_OPS",
    "TEXT_UDTS",
    "RoleSchema",
    "RootField",
    "TableView",
    "build_role_schema",
    "comparison_exp",
    "input_type_of",
    "mutation_perms",
    "role_views",
    "scalar_for",
    "scalar_name",
]
