"""`make up` / `make down` / `make status`: the local system as detached processes.

PostgreSQL (embedded under .data/pg unless DATABASE_URL is set) is migrated and seeded; the engine and the
service, once present, run in the background with logs under .data/logs and pid files under .data/run.
"""

from __future__ import annotations

import asyncio
import os
import sys

from gqlengine import migrate, pgserver


def up() -> int:
    url = pgserver.server_url()
    applied = asyncio.run(migrate.apply(url, log=lambda _: None))
    asyncio.run(migrate.apply_seeds(url, log=lambda _: None))
    print(f"PostgreSQL    {url}")
    print(f"  migrations  {len(applied)} newly applied; `python -m gqlengine migrate status` lists them")
    print("  seeds       applied (demo organizations: see seeds/default)")
    print(f"  psql        {pgserver.bin_dir() / 'psql'} '{url}'")
    return 0


def down() -> int:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: your PostgreSQL is left running")
    else:
        print("PostgreSQL    " + ("stopped" if pgserver.stop_embedded() else "was not running"))
    return 0


def status() -> int:
    print(migrate.format_status(asyncio.run(migrate.status(pgserver.server_url()))))
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    sys.exit({"up": up, "down": down, "status": status}[command]())
