"""Who is asking: Hasura v2's resolution of admin secret, JWT and unauthorized role into a session.

The session is `{role, variables}` with lower-cased `x-hasura-*` keys (the role also appears as
`x-hasura-role`). Messages and codes follow server/src-lib/Hasura/Server/Auth.hs (contract §4.3).
"""

from __future__ import annotations

import hmac
import json
import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import jwt

from gqlengine.graphql.compile import GQLError, pg_array_literal

DEFAULT_NAMESPACE = "https://hasura.io/jwt/claims"


@dataclass
class Session:
    role: str
    variables: dict[str, str] = field(default_factory=dict)
    # Admin-secret requests with `x-hasura-use-backend-only-permissions: true` see backend_only mutations.
    backend_only: bool = False
    # The `exp` of the very JWT this session was verified from (None: no JWT, or a token without `exp`).
    # A long-lived connection ends then; reading it from the headers again could pick a different token.
    expires_at: float | None = None

    def expired(self, now: float | None = None) -> bool:
        return self.expires_at is not None and (time.time() if now is None else now) >= self.expires_at

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def payload(self) -> dict[str, str]:
        out = dict(self.variables)
        out["x-hasura-role"] = self.role
        return out


@dataclass
class JWTConfig:
    key: Any
    algorithms: list[str]
    namespace: str = DEFAULT_NAMESPACE
    namespace_path: str | None = None
    claims_format: str = "json"
    audience: Any = None
    issuer: str | None = None
    leeway: int = 0
    # Tokens whose signature and claims were verified: token -> (payload, exp). A client sends the same
    # token with every request until it expires, and verifying it again costs more than the rest of the
    # request's Python work. Expiry is checked on every hit.
    verified: OrderedDict[str, tuple[dict[str, Any], float | None]] = field(
        default_factory=OrderedDict, repr=False, compare=False
    )

    @classmethod
    def from_env(cls, raw: str) -> JWTConfig:
        conf = json.loads(raw)
        alg = conf.get("type", "HS256")
        key: Any = conf.get("key", "")
        if alg.startswith(("RS", "ES", "PS", "Ed")):
            key = jwt.algorithms.get_default_algorithms()[alg].prepare_key(key)
        return cls(
            key=key,
            algorithms=[alg],
            namespace=conf.get("claims_namespace", DEFAULT_NAMESPACE),
            namespace_path=conf.get("claims_namespace_path"),
            claims_format=conf.get("claims_format", "json"),
            audience=conf.get("audience"),
            issuer=conf.get("issuer"),
            leeway=int(conf.get("allowed_skew", 0) or 0),
        )


@dataclass
class AuthConfig:
    admin_secret: str | None = None
    jwt: JWTConfig | None = None
    unauthorized_role: str | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AuthConfig:
        env = dict(os.environ) if env is None else env
        raw_jwt = env.get("HASURA_GRAPHQL_JWT_SECRET")
        return cls(
            admin_secret=env.get("HASURA_GRAPHQL_ADMIN_SECRET") or None,
            jwt=JWTConfig.from_env(raw_jwt) if raw_jwt else None,
            unauthorized_role=env.get("HASURA_GRAPHQL_UNAUTHORIZED_ROLE") or None,
        )


def _session_headers(headers: dict[str, str]) -> dict[str, str]:
    return {
        k.lower(): v
        for k, v in headers.items()
        if k.lower().startswith("x-hasura-")
        and k.lower() not in ("x-hasura-admin-secret", "x-hasura-access-key", "x-hasura-role")
    }


_TRUE, _FALSE = ("true", "t", "yes", "y"), ("false", "f", "no", "n")


def _from_headers(headers: dict[str, str], default_role: str) -> Session:
    role = headers.get("x-hasura-role") or default_role
    return Session(role, _session_headers(headers), _backend_only(headers))


def _backend_only(headers: dict[str, str]) -> bool:
    """`x-hasura-use-backend-only-permissions`, read as Hasura reads a boolean header (refused if neither)."""
    value = headers.get("x-hasura-use-backend-only-permissions")
    if value is None:
        return False
    text = value.strip().lower()
    if text not in _TRUE + _FALSE:
        raise GQLError(
            "x-hasura-use-backend-only-permissions:  Not a valid boolean text. True values are "
            f"{json.dumps(list(_TRUE), separators=(',', ':'))} and  False values are "
            f"{json.dumps(list(_FALSE), separators=(',', ':'))}. All values are case insensitive",
            "bad-request",
        )
    return text in _TRUE


def _claims_of(payload: dict[str, Any], conf: JWTConfig) -> dict[str, Any]:
    if conf.namespace_path:
        node: Any = payload
        for part in conf.namespace_path.lstrip("$").strip(".").split("."):
            node = node.get(part) if isinstance(node, dict) and part else node
        claims = node
    else:
        claims = payload.get(conf.namespace)
    if isinstance(claims, str) and conf.claims_format == "stringified_json":
        claims = json.loads(claims)
    if not isinstance(claims, dict):
        raise GQLError(f"claims key: '{conf.namespace}' not found", "jwt-invalid-claims")
    return {k.lower(): v for k, v in claims.items()}


def _claim_value(v: Any) -> str:
    if isinstance(v, list):
        return pg_array_literal(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


VERIFIED_TOKENS = 4096


def _verified_payload(token: str, conf: JWTConfig) -> tuple[dict[str, Any], float | None]:
    """The token's verified payload and its expiry (`exp`, None when it has none)."""
    hit = conf.verified.get(token)
    if hit is not None:
        payload, exp = hit
        if exp is None or time.time() < exp + conf.leeway:
            conf.verified.move_to_end(token)
            return payload, exp
        del conf.verified[token]
    payload = _decode(token, conf)
    raw_exp = payload.get("exp")
    # PyJWT refuses a non-numeric `exp`, so a verified payload's `exp` is a number or absent.
    exp = float(raw_exp) if isinstance(raw_exp, int | float) else None
    conf.verified[token] = (payload, exp)
    if len(conf.verified) > VERIFIED_TOKENS:
        conf.verified.popitem(last=False)
    return payload, exp


def _decode(token: str, conf: JWTConfig) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            conf.key,
            algorithms=conf.algorithms,
            audience=conf.audience,
            issuer=conf.issuer,
            leeway=conf.leeway,
            options={"verify_aud": conf.audience is not None},
        )
    except jwt.ExpiredSignatureError as exc:
        raise GQLError("Could not verify JWT: JWTExpired", "invalid-jwt") from exc
    except jwt.InvalidSignatureError as exc:
        raise GQLError("Could not verify JWT: JWSError JWSInvalidSignature", "invalid-jwt") from exc
    except jwt.InvalidAudienceError as exc:
        raise GQLError("Could not verify JWT: JWTNotInAudience", "invalid-jwt") from exc
    except jwt.InvalidIssuerError as exc:
        raise GQLError("Could not verify JWT: JWTNotInIssuer", "invalid-jwt") from exc
    except jwt.PyJWTError as exc:
        raise GQLError(f"Could not verify JWT: {exc}", "invalid-jwt") from exc


def _json_kind(value: Any) -> str:
    """Aeson's name for a JSON value's kind, as Hasura's parse errors say it."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, dict):
        return "Object"
    return "Array" if isinstance(value, list) else "Null"


def _from_jwt(token: str, headers: dict[str, str], conf: JWTConfig) -> Session:
    payload, exp = _verified_payload(token, conf)
    claims = _claims_of(payload, conf)
    # In Hasura's order: the allowed roles, then the default role.
    allowed = claims.get("x-hasura-allowed-roles")
    if allowed is None:
        raise GQLError("JWT claim does not contain x-hasura-allowed-roles", "jwt-missing-role-claims")
    if not isinstance(allowed, list):
        raise GQLError(
            "invalid x-hasura-allowed-roles; should be a list of roles: parsing [] failed, expected Array, "
            f"but encountered {_json_kind(allowed)}",
            "jwt-invalid-claims",
        )
    default_role = claims.get("x-hasura-default-role")
    if default_role is None:
        raise GQLError("JWT claim does not contain x-hasura-default-role", "jwt-missing-role-claims")
    role = headers.get("x-hasura-role") or default_role
    if role not in allowed:
        raise GQLError("Your requested role is not in allowed roles", "access-denied")
    variables = {
        k: _claim_value(v)
        for k, v in claims.items()
        if k.startswith("x-hasura-") and k not in ("x-hasura-default-role", "x-hasura-allowed-roles")
    }
    return Session(role, variables, expires_at=None if exp is None else exp + conf.leeway)


def resolve_session(config: AuthConfig, raw_headers: dict[str, str]) -> Session:
    headers = {k.lower(): v for k, v in raw_headers.items()}
    if config.admin_secret is None:
        return _from_headers(headers, "admin")
    given = headers.get("x-hasura-admin-secret", headers.get("x-hasura-access-key"))
    if given is not None:
        if hmac.compare_digest(given.encode(), config.admin_secret.encode()):
            return _from_headers(headers, "admin")
        raise GQLError("invalid x-hasura-admin-secret/x-hasura-access-key", "access-denied")
    if config.jwt is not None:
        auth = headers.get("authorization")
        if auth is None:
            if config.unauthorized_role:
                return Session(config.unauthorized_role, _session_headers(headers))
            raise GQLError(
                "Missing 'Authorization' or 'Cookie' header in JWT authentication mode", "invalid-headers"
            )
        parts = auth.split(None, 1)
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise GQLError("Malformed Authorization header", "invalid-headers")
        return _from_jwt(parts[1].strip(), headers, config.jwt)
    if config.unauthorized_role:
        return Session(config.unauthorized_role, _session_headers(headers))
    raise GQLError("x-hasura-admin-secret/x-hasura-access-key required, but not found", "access-denied")
