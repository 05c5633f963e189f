"""Command line: `python -m devkit token ORG ROLE [--ttl SECONDS]` mints a demo JWT;
`python -m devkit stripe [--port N] [--webhook-url URL]` serves the local Stripe stand-in."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from devkit import tokens
from devkit.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripeServer


def _stripe(port: int, webhook_url: str | None) -> int:
    with FakeStripeServer(port=port, webhook_url=webhook_url) as server:
        print(f"local Stripe on {server.url}  (CREDITS_STRIPE_API_BASE={server.url})", flush=True)
        print(
            f"  CREDITS_STRIPE_SECRET_KEY={API_KEY}  CREDITS_STRIPE_WEBHOOK_SECRET={WEBHOOK_SECRET}",
            flush=True,
        )
        print(
            f"  paid checkouts are POSTed to {webhook_url or '(nowhere: --webhook-url not given)'}",
            flush=True,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devkit")
    sub = parser.add_subparsers(dest="command", required=True)
    tok = sub.add_parser("token", help="a JWT for a demo organization and role, signed with the dev key")
    tok.add_argument("org", help="organization id, e.g. org_pro")
    tok.add_argument("role", choices=tokens.ROLES)
    tok.add_argument("--ttl", type=int, default=tokens.DEFAULT_TTL, help="seconds until it expires")
    stripe = sub.add_parser("stripe", help="serve the local Stripe stand-in (API and checkout page)")
    stripe.add_argument("--port", type=int, default=12111)
    stripe.add_argument("--webhook-url", help="where paid checkouts send their signed event")
    args = parser.parse_args(argv)

    if args.command == "stripe":
        return _stripe(args.port, args.webhook_url)
    try:
        print(tokens.mint(tokens.jwt_key(), args.org, args.role, args.ttl))
    except tokens.TokenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
