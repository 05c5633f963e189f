"""JWTs for the demo tenants (seeds/default/1_demo_tenants.sql), signed with the development HS256 key.

`make up` writes one per demo organization and role into `.data/tokens.env` as shell exports
(`ORG_PRO_MEMBER_TOKEN`, ...), plus `SERVICE_TOKEN`, `MEMBER_TOKEN`, `OWNER_TOKEN` for the README's
organization and `GRAPHQL_URL` for the running engine, so README's examples run after
`source .data/tokens.env`. `python -m devkit token ORG ROLE [--ttl SECONDS]` mints one more.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import jwt

from devdb.project import data_dir

DEMO_ORGS = ("org_free_one", "org_free_two", "org_pro", "org_team")
USER_ROLES = ("owner", "org_admin", "member", "viewer")
ROLES = (*USER_ROLES, "service")
README_ORG = "org_pro"
DEFAULT_TTL = 7 * 24 * 3600
CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"


class TokenError(ValueError):
    pass


def jwt_key(env: dict[str, str] | None = None) -> str:
    """The HS256 key: HASURA_GRAPHQL_JWT_SECRET's, else the one `make up` generated into .data/secrets.env."""
    env = dict(os.environ) if env is None else env
    if env.get("HASURA_GRAPHQL_JWT_SECRET"):
        conf = json.loads(env["HASURA_GRAPHQL_JWT_SECRET"])
        if conf.get("type") != "HS256" or not conf.get("key"):
            raise TokenError("HASURA_GRAPHQL_JWT_SECRET is not an HS256 key; mint tokens with your issuer")
        return str(conf["key"])
    path = data_dir() / "secrets.env"
    stored = (
        dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        if path.exists()
        else {}
    )
    if not stored.get("CREDITS_JWT_KEY"):
        raise TokenError(f"no development JWT key: run `make up` first (it writes {path})")
    return stored["CREDITS_JWT_KEY"]


def demo_user(org: str, role: str) -> str | None:
    """The seeded user holding `role` in `org` (usr_pro_member, ...); the service role is no user."""
    return None if role == "service" else f"usr_{org.removeprefix('org_')}_{role}"


def mint(key: str, org: str, role: str, ttl: int = DEFAULT_TTL, now: int | None = None) -> str:
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,255}", org):
        raise TokenError(f"not an organization id: {org!r}")
    if ttl <= 0:
        raise TokenError("--ttl must be a positive number of seconds")
    claims: dict[str, object] = {
        "x-hasura-default-role": role,
        "x-hasura-allowed-roles": [role],
        "x-hasura-organization-id": org,
    }
    user = demo_user(org, role)
    if user:
        claims["x-hasura-user-id"] = user
    issued = int(time.time()) if now is None else now
    payload = {"sub": user or f"{org}:{role}", "iat": issued, "exp": issued + ttl, CLAIMS_NAMESPACE: claims}
    return jwt.encode(payload, key, algorithm="HS256")


def env_name(org: str, role: str) -> str:
    return f"{org}_{role}_TOKEN".upper()


def write_tokens_env(key: str, graphql_url: str, path: Path | None = None, ttl: int = DEFAULT_TTL) -> Path:
    """`.data/tokens.env`: every demo organization and role, and the README's names."""
    path = path or data_dir() / "tokens.env"
    lines = [
        "# Written by `make up`: development JWTs for the demo tenants. Use: source .data/tokens.env",
        f"export GRAPHQL_URL={graphql_url}",
        f"export ENGINE_URL={graphql_url.removesuffix('/v1/graphql')}",
    ]
    for org in DEMO_ORGS:
        lines += [f"export {env_name(org, role)}={mint(key, org, role, ttl)}" for role in ROLES]
    lines += [
        f"export {alias}_TOKEN=${env_name(README_ORG, alias.lower())}"
        for alias in ("SERVICE", "MEMBER", "OWNER")
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def summary(path: Path) -> str:
    """The short table `make up` prints instead of the tokens themselves."""
    rows = [f"  {'organization':<13} variables ({', '.join(r.upper() for r in ROLES)})"]
    rows += [f"  {org:<13} {org.upper()}_<ROLE>_TOKEN" for org in DEMO_ORGS]
    rows += [
        f"  {label:<13} {text}"
        for label, text in (
            ("README", f"SERVICE_TOKEN, MEMBER_TOKEN, OWNER_TOKEN = {README_ORG}'s"),
            ("URLs", "GRAPHQL_URL (the GraphQL endpoint), ENGINE_URL (its base, for /api/rest/...)"),
            ("use", f"source {path}"),
            ("one more", ".venv/bin/python -m devkit token ORG ROLE [--ttl SECONDS]"),
        )
    ]
    return "\n".join(rows)
