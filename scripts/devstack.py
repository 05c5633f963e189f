"""`make up` / `make down` / `make status`: the whole local system as detached processes.

PostgreSQL (embedded under .data/pg unless DATABASE_URL is set) is migrated and seeded, then the engine
(`python -m gqlengine serve`, :8080) and the actions service (`python -m actions`, :3000) start in the
background with logs under .data/logs and pid files under .data/run. Development secrets are generated once
into .data/secrets.env (git-ignored); variables already set in the environment win. Demo JWTs are written to
.data/tokens.env (`source` it).

Top-ups work locally: in development (CREDITS_ENVIRONMENT=dev, the default here) without a Stripe key of
your own, the local Stripe stand-in (`python -m devkit stripe`, :12111) starts too and the service is pointed
at it; its checkout page pays and sends the signed webhook. CREDITS_LOCAL_STRIPE=0 turns it off; with
CREDITS_STRIPE_SECRET_KEY set it never starts (docs/billing.md, "Local top-ups").
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from devdb import migrate, pgserver
from devdb.project import data_dir
from devkit import fake_stripe, tokens

ENGINE_PORT = int(os.environ.get("HASURA_GRAPHQL_SERVER_PORT", "8080"))
SERVICE_PORT = int(os.environ.get("CREDITS_PORT", "3000"))
CONSOLE_PORT = int(os.environ.get("CREDITS_CONSOLE_PORT", "5173"))
WEB = Path(__file__).resolve().parents[1] / "web"
LOCAL_STRIPE_PORT = int(os.environ.get("CREDITS_LOCAL_STRIPE_PORT", "12111"))
PROCESSES = ("console", "gqlengine", "actions", "stripe")


def _secrets() -> dict[str, str]:
    """Dev secrets: generated once, kept in .data/secrets.env, overridden by the environment."""
    path = data_dir() / "secrets.env"
    if not path.exists():
        data_dir().mkdir(parents=True, exist_ok=True)
        values = {
            "HASURA_GRAPHQL_ADMIN_SECRET": secrets.token_urlsafe(24),
            "CREDITS_HASURA_ACTION_SECRET": secrets.token_urlsafe(24),
            "CREDITS_JWT_KEY": secrets.token_urlsafe(48),
        }
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        path.chmod(0o600)
    stored = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k: os.environ.get(k, v) for k, v in stored.items()}


def _environment(url: str) -> dict[str, str]:
    s = _secrets()
    env = dict(os.environ)
    env.setdefault("PG_DATABASE_URL", url)
    env.setdefault("DATABASE_URL", url)
    env.setdefault("CREDITS_DATABASE_URL", url)
    env["HASURA_GRAPHQL_ADMIN_SECRET"] = s["HASURA_GRAPHQL_ADMIN_SECRET"]
    env["CREDITS_HASURA_ACTION_SECRET"] = s["CREDITS_HASURA_ACTION_SECRET"]
    env.setdefault("HASURA_GRAPHQL_JWT_SECRET", json.dumps({"type": "HS256", "key": s["CREDITS_JWT_KEY"]}))
    env.setdefault("HASURA_GRAPHQL_UNAUTHORIZED_ROLE", "anonymous")
    env.setdefault("HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES", "true")
    env.setdefault("HASURA_GRAPHQL_SERVER_PORT", str(ENGINE_PORT))
    env.setdefault("ACTIONS_BASE_URL", f"http://127.0.0.1:{SERVICE_PORT}")
    env.setdefault("CREDITS_ENVIRONMENT", "dev")
    env.setdefault("CREDITS_PORT", str(SERVICE_PORT))
    if _local_stripe(env):
        env["CREDITS_STRIPE_SECRET_KEY"] = fake_stripe.API_KEY
        env["CREDITS_STRIPE_WEBHOOK_SECRET"] = fake_stripe.WEBHOOK_SECRET
        env["CREDITS_STRIPE_API_BASE"] = f"http://127.0.0.1:{LOCAL_STRIPE_PORT}"
    return env


def _local_stripe(env: dict[str, str]) -> bool:
    """Local top-ups only in development, only when no Stripe key of one's own is configured."""
    return (
        env.get("CREDITS_ENVIRONMENT") == "dev"
        and not env.get("CREDITS_STRIPE_SECRET_KEY")
        and env.get("CREDITS_LOCAL_STRIPE", "1") != "0"
    )


def _pidfile(name: str) -> Path:
    return data_dir() / "run" / f"{name}.pid"


def _stop(name: str) -> bool:
    path = _pidfile(name)
    if not path.exists():
        return False
    pid = int(path.read_text())
    path.unlink()
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)
    return True


def _start(name: str, args: list[str], env: dict[str, str], health_url: str) -> None:
    _stop(name)
    (data_dir() / "logs").mkdir(parents=True, exist_ok=True)
    _pidfile(name).parent.mkdir(parents=True, exist_ok=True)
    log = (data_dir() / "logs" / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    _pidfile(name).write_text(str(proc.pid))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited with {proc.returncode}; see .data/logs/{name}.log")
        try:
            if httpx.get(health_url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not become healthy in 60 s; see .data/logs/{name}.log")


def _console(env: dict[str, str], jwt_key: str) -> str:
    """Build the console (with "sign in as" for the demo users) and serve it; the line `make up` prints."""
    npm = shutil.which("npm")
    if npm is None:
        return "not started: Node.js 20+ is not installed (install it and run `make up` again)"
    _stop("console")
    stamp = WEB / "node_modules" / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (WEB / "package-lock.json").stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB, check=True)
        stamp.touch()
    build = subprocess.run(
        [npm, "run", "build:devstack", "-w", "console"], cwd=WEB, capture_output=True, text=True
    )
    if build.returncode:
        raise SystemExit(f"the console did not build:\n{build.stdout[-3000:]}{build.stderr[-3000:]}")
    console_env = {
        **env,
        "CREDITS_ENGINE_URL": f"http://127.0.0.1:{ENGINE_PORT}",
        "CREDITS_DEV_JWT_KEY": jwt_key,
    }
    log = (data_dir() / "logs" / "console.log").open("ab")
    args = [
        str(WEB / "node_modules" / ".bin" / "vite"),
        "preview",
        "--mode",
        "devstack",
        "--port",
        str(CONSOLE_PORT),
        "--strictPort",
    ]
    proc = subprocess.Popen(
        args,
        cwd=WEB / "console",
        env=console_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _pidfile("console").write_text(str(proc.pid))
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{CONSOLE_PORT}/", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            time.sleep(0.3)
    return f"http://127.0.0.1:{CONSOLE_PORT}   (sign in as any demo user; logs: .data/logs/console.log)"


def up() -> int:
    url = pgserver.server_url()
    applied = asyncio.run(migrate.apply(url, log=lambda _: None))
    asyncio.run(migrate.apply_seeds(url, log=lambda _: None))
    env = _environment(url)
    subprocess.run([sys.executable, "-m", "gqlengine", "metadata", "apply"], env=env, check=True)
    local_stripe = _local_stripe(os.environ | {"CREDITS_ENVIRONMENT": env["CREDITS_ENVIRONMENT"]})
    if local_stripe:
        webhook = f"http://127.0.0.1:{SERVICE_PORT}/webhooks/stripe"
        args = ["devkit", "stripe", "--port", str(LOCAL_STRIPE_PORT), "--webhook-url", webhook]
        _start("stripe", args, env, f"{env['CREDITS_STRIPE_API_BASE']}/healthz")
    else:
        _stop("stripe")
    _start("actions", ["actions"], env, f"http://127.0.0.1:{SERVICE_PORT}/healthz")
    _start("gqlengine", ["gqlengine", "serve"], env, f"http://127.0.0.1:{ENGINE_PORT}/healthz")

    graphql_url = f"http://127.0.0.1:{ENGINE_PORT}/v1/graphql"
    tokens_env = tokens.write_tokens_env(tokens.jwt_key(env), graphql_url)
    console = _console(env, tokens.jwt_key(env))
    print(f"PostgreSQL   {url}")
    print(f"  migrations {len(applied)} newly applied (python -m gqlengine migrate status); seeds applied")
    print(f"  psql       {pgserver.bin_dir() / 'psql'} '{url}'")
    print(f"GraphQL      http://127.0.0.1:{ENGINE_PORT}/v1/graphql   (logs: .data/logs/gqlengine.log)")
    print(f"  admin      X-Hasura-Admin-Secret: {env['HASURA_GRAPHQL_ADMIN_SECRET']}")
    print(f"Service      http://127.0.0.1:{SERVICE_PORT}   /healthz /metrics  (logs: .data/logs/actions.log)")
    if local_stripe:
        print(
            f"Top-ups      local Stripe stand-in {env['CREDITS_STRIPE_API_BASE']}: checkout URLs open a page"
        )
        print("             whose Pay button completes the purchase (logs: .data/logs/stripe.log)")
    else:
        print("Top-ups      Stripe as configured by CREDITS_STRIPE_* (docs/billing.md)")
    print(
        "JWTs         Authorization: Bearer <token>, one per demo organization and role, in .data/tokens.env"
    )
    print(tokens.summary(tokens_env))
    print(f"Console      {console}")
    print("Stop everything with `make down`.")
    return 0


def down() -> int:
    for name in PROCESSES:
        print(f"{name:<13}" + ("stopped" if _stop(name) else "was not running"))
    if os.environ.get("DATABASE_URL"):
        print("PostgreSQL   DATABASE_URL is set: your server is left running")
    else:
        print("PostgreSQL   " + ("stopped" if pgserver.stop_embedded() else "was not running"))
    return 0


def status() -> int:
    print(migrate.format_status(asyncio.run(migrate.status(pgserver.server_url()))))
    for name in PROCESSES:
        print(f"{name:<13}" + ("running" if _pidfile(name).exists() else "not running"))
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    sys.exit({"up": up, "down": down, "status": status}[command]())
