"""The `migrate`, `seed` and `db` commands (also offered by `python -m gqlengine`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from devdb import migrate, pgserver

COMMANDS = ("migrate", "seed", "db")


def _count(value: str) -> int | None:
    if value == "all":
        return None
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("N must be a positive number or 'all'")
    return n


def add_commands(sub: Any) -> None:
    """Add the commands to an argparse subparsers object."""
    mig = sub.add_parser("migrate", help="apply, reverse or list Hasura CLI-format migrations")
    mig_sub = mig.add_subparsers(dest="action", required=True)
    mig_sub.add_parser("apply", help="apply every pending migration")
    mig_sub.add_parser("status", help="print the migration status table")
    mig_down = mig_sub.add_parser("down", help="reverse the last N applied migrations (default 1)")
    mig_down.add_argument("count", nargs="?", default="1", type=_count, help="N or 'all'")

    seed = sub.add_parser("seed", help="apply seeds/default/*.sql in name order")
    seed.add_argument("action", choices=["apply"])

    db = sub.add_parser("db", help="the PostgreSQL server (embedded unless DATABASE_URL is set)")
    db.add_argument("action", choices=["url", "stop"])


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "db" and args.action == "stop":
            print("stopped" if pgserver.stop_embedded() else "not running")
            return 0
        url = pgserver.server_url()
        if args.command == "db":
            print(url)
        elif args.command == "migrate" and args.action == "apply":
            applied = asyncio.run(migrate.apply(url))
            print(f"{len(applied)} migration(s) applied" if applied else "nothing to apply")
        elif args.command == "migrate" and args.action == "status":
            print(migrate.format_status(asyncio.run(migrate.status(url))))
        elif args.command == "migrate" and args.action == "down":
            reversed_ = asyncio.run(migrate.down(url, args.count))
            print(f"{len(reversed_)} migration(s) reversed")
        elif args.command == "seed":
            asyncio.run(migrate.apply_seeds(url))
            print("Seeds planted")
    except migrate.MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devdb")
    add_commands(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))
