// Operation types per role, from the schema each role sees (web/schema/<role>.graphql, written from the
// engine's introspection by tests/web/test_schema_snapshot.py). An operation a role cannot run fails here.
import type { CodegenConfig } from "@graphql-codegen/cli";

const roles = ["viewer", "org_admin", "owner", "service"] as const;

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    roles.map((role) => [
      `packages/client/src/generated/${role}.ts`,
      {
        schema: `schema/${role}.graphql`,
        documents: `packages/client/src/operations/${role}/*.graphql`,
        plugins: ["typescript", "typescript-operations", "typed-document-node"],
        config: {
          onlyOperationTypes: true,
          enumsAsTypes: true,
          avoidOptionals: { field: true, inputValue: false, object: false },
          // Amounts and timestamps arrive as exact strings (HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES); never numbers.
          scalars: {
            Credits: "string",
            numeric: "string",
            bigint: "string",
            timestamptz: "string",
            date: "string",
            jsonb: "Record<string, unknown>",
          },
        },
      },
    ]),
  ),
};

export default config;
