"""GraphQL: per-role schemas, the compiler to one SQL statement, execution, actions and error shapes."""
