"""service_token(): the claims Hasura reads, HS256 and RS256, Hasura's namespace or a custom one."""

from __future__ import annotations

import jwt
import pytest
from conftest import Stack
from credits_client import CreditsClient, InvalidToken, service_token
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = "0123456789abcdef0123456789abcdef"


def test_hs256_carries_the_service_role_for_one_organization() -> None:
    token = service_token("org_pro", KEY, ttl=120, now=1_000_000)
    claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] - claims["iat"] == 120
    assert claims["https://hasura.io/jwt/claims"] == {
        "x-hasura-default-role": "service",
        "x-hasura-allowed-roles": ["service"],
        "x-hasura-organization-id": "org_pro",
        "x-hasura-user-id": "service:org_pro",
    }


def test_rs256_with_a_custom_namespace_verifies_with_the_public_key() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = service_token("org_team", pem, algorithm="RS256", claims_namespace="https://example.com/claims")
    claims = jwt.decode(token, private.public_key(), algorithms=["RS256"])
    assert claims["https://example.com/claims"]["x-hasura-organization-id"] == "org_team"


def test_nonsense_is_refused_before_signing() -> None:
    with pytest.raises(ValueError):
        service_token("", KEY)
    with pytest.raises(ValueError):
        service_token("org_pro", KEY, ttl=0)


async def test_the_engine_accepts_a_minted_token_and_refuses_an_expired_one(stack: Stack, org: str) -> None:
    from tests.e2e.conftest import DEFAULT_JWT_KEY

    async with CreditsClient(
        stack.graphql_url, token_provider=lambda: service_token(org, DEFAULT_JWT_KEY)
    ) as ok:
        assert (await ok.check_access("question_generation", "fast")).allowed
    expired = service_token(org, DEFAULT_JWT_KEY, ttl=1, now=1_000_000)
    async with CreditsClient(stack.graphql_url, token=expired) as late:
        with pytest.raises(InvalidToken):
            await late.check_access("question_generation", "fast")
