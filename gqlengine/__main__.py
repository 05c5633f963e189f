"""Command line: `python -m gqlengine serve|metadata ...`, and the development database's
`migrate|seed|db` commands (`python -m devdb`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devdb import cli as devdb_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gqlengine")
    sub = parser.add_subparsers(dest="command", required=True)
    devdb_cli.add_commands(sub)

    srv = sub.add_parser("serve", help="serve the Hasura v2 API (port: HASURA_GRAPHQL_SERVER_PORT or 8080)")
    srv.add_argument("--host", default=os.environ.get("HASURA_GRAPHQL_SERVER_HOST", "127.0.0.1"))
    srv.add_argument("--port", type=int, default=None)
    srv.add_argument("--metadata-dir", type=Path, default=None)

    meta = sub.add_parser("metadata", help="check hasura/metadata against the database, or print it as JSON")
    meta.add_argument("action", choices=["apply", "export"])
    meta.add_argument("--metadata-dir", type=Path, default=None)

    args = parser.parse_args(argv)
    if args.command == "serve":
        from gqlengine.server.app import serve

        serve(args.host, args.port, args.metadata_dir)
        return 0
    if args.command == "metadata":
        from gqlengine.metadata.cli import apply, export

        return apply(args.metadata_dir) if args.action == "apply" else export(args.metadata_dir)
    return devdb_cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
