"""`python -m gqlengine metadata apply|export`: check the metadata directory against the database.

`apply` is what `hasura metadata apply --disallow-inconsistent-metadata` would refuse: it loads the
directory, introspects the database the source points at, and fails loudly with every inconsistency.
The engine reads the directory at start, so there is nothing to upload.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import asyncpg

from devdb import pgserver
from devdb.project import metadata_dir
from gqlengine.metadata import catalog, query_collections
from gqlengine.metadata import model as md


def _url(doc: dict) -> str:
    source = next(iter(doc.get("sources") or []), None)
    return (
        (md.source_url(source) if source else None) or os.environ.get("DATABASE_URL") or pgserver.server_url()
    )


async def _check(doc: dict, url: str) -> md.Model:
    conn = await asyncpg.connect(url)
    try:
        cat = await catalog.introspect(conn)
    finally:
        await conn.close()
    return query_collections.resolve(doc, cat)


def apply(directory: Path | None) -> int:
    directory = directory or metadata_dir()
    try:
        doc = md.load_directory(directory)
        model = asyncio.run(_check(doc, _url(doc)))
    except md.MetadataError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    if model.inconsistencies:
        print("error: metadata is inconsistent:", file=sys.stderr)
        print(md.format_inconsistencies(model.inconsistencies), file=sys.stderr)
        return 1
    print(f"metadata consistent: {len(model.tables)} table(s), {len(model.actions)} action(s)")
    return 0


def export(directory: Path | None) -> int:
    try:
        doc = md.load_directory(directory or metadata_dir())
    except md.MetadataError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(doc, indent=2))
    return 0
