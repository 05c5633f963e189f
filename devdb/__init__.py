"""The development database: project paths, the embedded PostgreSQL and the Hasura CLI-format migrator.

Used by the tests, the dev stack, the benchmarks and gqlengine; never by the actions service in production.
"""
