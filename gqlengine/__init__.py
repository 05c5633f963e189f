"""gqlengine: a local engine that serves this project's Hasura v2 contract, plus its migration CLI."""

__version__ = "v2.44.0-gqlengine"
