"""GraphQL selection → one parameterised SQL statement that builds the JSON answer in PostgreSQL.

Values never enter the SQL text: literals, variables and session variables become `Param`s bound at
execution time (all sent as text and cast to the column type in SQL, so one prepared statement serves every
value). Identifiers come from the catalog and metadata and are always quoted; JSON keys are GraphQL names
(validated by the parser) written as SQL string literals.

A variable used where a structure is expected (`where: $w`, `order_by: $o`) makes the SQL depend on its
value: such variables are recorded in `Compiled.structural_vars` and the plan cache keys on their values.

The parts: `plan` (errors, parameters, the plan, SQL text helpers), `base` (a compilation's state),
`where` (boolean expressions), `select` (selections, aggregates), `mutation`, and `operation` (`Compiler`,
the root fields).
"""

from gqlengine.graphql.compile.operation import Compiler
from gqlengine.graphql.compile.plan import (
    Compiled,
    GQLError,
    MutationPlan,
    Param,
    collect_fields,
    fragment_definitions,
    pg_array_literal,
    q,
    qt,
    sql_str,
    to_text,
)

__all__ = [
    "Compiled",
    "Compiler",
    "GQLError",
    "MutationPlan",
    "Param",
    "collect_fields",
    "fragment_definitions",
    "pg_array_literal",
    "q",
    "qt",
    "sql_str",
    "to_text",
]
