"""Locations of the Hasura CLI project (config.yaml, migrations, metadata, seeds) and local data."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root: CREDITS_PROJECT_DIR, else the checkout this package lives in."""
    env = os.environ.get("CREDITS_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def hasura_dir() -> Path:
    return project_root() / "hasura"


def migrations_dir(source: str = "default") -> Path:
    return hasura_dir() / "migrations" / source


def metadata_dir() -> Path:
    return hasura_dir() / "metadata"


def seeds_dir(source: str = "default") -> Path:
    return project_root() / "seeds" / source


def data_dir() -> Path:
    """Where the embedded PostgreSQL and run files live (git-ignored)."""
    env = os.environ.get("CREDITS_DATA_DIR")
    return Path(env).resolve() if env else project_root() / ".data"
