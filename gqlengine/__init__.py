"""gqlengine: a local engine that serves this project's Hasura v2 contract (the development database and
migrator it is started with live in `devdb`)."""

__version__ = "v2.44.0-gqlengine"
