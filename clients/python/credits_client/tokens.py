"""Minting the JWT an app backend presents as role `service` for one organization.

Hasura reads the session from a claims object under a namespace key (Hasura's default
`https://hasura.io/jwt/claims`, or the `claims_namespace` of HASURA_GRAPHQL_JWT_SECRET). The key is the
HS256 secret or, for RS256, the PEM private key whose public half Hasura is configured with.
"""

from __future__ import annotations

import time
from typing import Literal

import jwt

HASURA_CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"


def service_token(
    organization_id: str,
    key: str | bytes,
    *,
    ttl: int = 3600,
    algorithm: Literal["HS256", "RS256"] = "HS256",
    claims_namespace: str = HASURA_CLAIMS_NAMESPACE,
    role: str = "service",
    user_id: str | None = None,
    now: float | None = None,
) -> str:
    """A signed JWT for `role` (default `service`) scoped to `organization_id`, valid for `ttl` seconds.

    Other roles (e.g. `viewer` for the read methods) are for backends that read on an organization's behalf.
    """
    if not organization_id:
        raise ValueError("organization_id is required")
    if ttl <= 0:
        raise ValueError("ttl must be positive")
    issued = int(now if now is not None else time.time())
    subject = user_id or f"{role}:{organization_id}"
    claims = {
        "x-hasura-default-role": role,
        "x-hasura-allowed-roles": [role],
        "x-hasura-organization-id": organization_id,
        "x-hasura-user-id": subject,
    }
    payload = {"sub": subject, "iat": issued, "exp": issued + ttl, claims_namespace: claims}
    return jwt.encode(payload, key, algorithm=algorithm)
