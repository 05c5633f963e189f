"""Command line: `python -m gqlengine migrate|seed|db|serve|metadata ...`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from gqlengine import migrate, pgserver


def _count(value: str) -> int | None:
    if value == "all":
        return None
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("N must be a positive number or 'all'")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gqlengine")
    sub = parser.add_subparsers(dest="command", required=True)

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

    srv = sub.add_parser("serve", help="serve the Hasura v2 API (port: HASURA_GRAPHQL_SERVER_PORT or 8080)")
    srv.add_argument("--host", default=os.environ.get("HASURA_GRAPHQL_SERVER_HOST", "127.0.0.1"))
    srv.add_argument("--port", type=int, default=None)
    srv.add_argument("--metadata-dir", type=Path, default=None)

    meta = sub.add_parser("metadata", help="check hasura/metadata against the database, or print it as JSON")
    meta.add_argument("action", choices=["apply", "export"])
    meta.add_argument("--metadata-dir", type=Path, default=None)

    args = parser.parse_args(argv)
    if args.command == "serve":
        from gqlengine.server import serve

        serve(args.host, args.port, args.metadata_dir)
        return 0
    if args.command == "metadata":
        from gqlengine.metadata_cli import apply, export

        return apply(args.metadata_dir) if args.action == "apply" else export(args.metadata_dir)
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


if __name__ == "__main__":
    sys.exit(main())
