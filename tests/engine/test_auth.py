"""Session resolution like Hasura: admin secret, JWT (HS256/RS256), unauthorized role, exact errors."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gqlengine.graphql.auth import AuthConfig, JWTConfig, resolve_session
from gqlengine.graphql.compile import GQLError

from .conftest import token


def _err(r):
    assert "data" not in r
    return r["errors"][0]["message"], r["errors"][0]["extensions"]["code"]


async def test_admin_secret_gives_admin(gql):
    r = await gql("{ secret { value } }", admin=True)
    assert r == {"data": {"secret": [{"value": "hidden"}]}}


async def test_admin_may_pose_as_a_role_with_headers(gql):
    r = await gql(
        "{ author(order_by: {id: asc}) { id } }",
        admin=True,
        headers={"x-hasura-role": "user", "x-hasura-org": "globex"},
    )
    assert r["data"]["author"] == [{"id": 3}, {"id": 4}]


async def test_wrong_admin_secret(gql):
    r = await gql("{ author { id } }", headers={"x-hasura-admin-secret": "nope"})
    assert _err(r) == ("invalid x-hasura-admin-secret/x-hasura-access-key", "access-denied")


async def test_no_credentials_uses_unauthorized_role(gql):
    r = await gql("{ author(order_by: {id: asc}) { id name } }")
    assert r["data"]["author"] == [
        {"id": 1, "name": "Ada"},
        {"id": 2, "name": "Bob"},
        {"id": 4, "name": "Dee"},
    ]


async def test_jwt_role_header_must_be_allowed(gql):
    r = await gql("{ author { id } }", role="user", org="acme", headers={"x-hasura-role": "reader"})
    assert _err(r) == ("Your requested role is not in allowed roles", "access-denied")


async def test_jwt_role_header_picks_an_allowed_role(client):
    t = token("user", allowed=["user", "anonymous"], org="acme")
    r = await client.gql(
        "{ author_aggregate { aggregate { count } } }",
        headers={"authorization": f"Bearer {t}", "x-hasura-role": "anonymous"},
    )
    assert r["errors"][0]["message"] == "field 'author_aggregate' not found in type: 'query_root'"


async def test_jwt_bad_signature_and_expired(client):
    bad = token("user", key="another-key-another-key-another-key!!", org="acme")
    r = await client.gql("{ author { id } }", headers={"authorization": f"Bearer {bad}"})
    assert _err(r)[1] == "invalid-jwt"
    expired = jwt.encode(
        {
            "exp": int(time.time()) - 60,
            "https://hasura.io/jwt/claims": {
                "x-hasura-default-role": "user",
                "x-hasura-allowed-roles": ["user"],
            },
        },
        "engine-test-jwt-key-0123456789abcdef0123456789",
        algorithm="HS256",
    )
    r = await client.gql("{ author { id } }", headers={"authorization": f"Bearer {expired}"})
    assert _err(r) == ("Could not verify JWT: JWTExpired", "invalid-jwt")


async def test_a_token_accepted_before_stops_working_when_it_expires(client):
    # Verified tokens are remembered; the memory must not outlive the token.
    soon = jwt.encode(
        {
            "exp": time.time() + 1.0,
            "https://hasura.io/jwt/claims": {
                "x-hasura-default-role": "user",
                "x-hasura-allowed-roles": ["user"],
                "x-hasura-org": "acme",
            },
        },
        "engine-test-jwt-key-0123456789abcdef0123456789",
        algorithm="HS256",
    )
    headers = {"authorization": f"Bearer {soon}"}
    for _ in range(2):
        assert "data" in await client.gql("{ author { id } }", headers=headers)
    await asyncio.sleep(1.1)
    r = await client.gql("{ author { id } }", headers=headers)
    assert _err(r) == ("Could not verify JWT: JWTExpired", "invalid-jwt")


def test_missing_authorization_without_unauthorized_role():
    conf = AuthConfig(
        admin_secret="s", jwt=JWTConfig.from_env('{"type":"HS256","key":"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"}')
    )
    with pytest.raises(GQLError) as e:
        resolve_session(conf, {})
    assert (e.value.message, e.value.code) == (
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode",
        "invalid-headers",
    )


def test_admin_secret_only_without_unauthorized_role():
    with pytest.raises(GQLError) as e:
        resolve_session(AuthConfig(admin_secret="s"), {})
    assert (e.value.message, e.value.code) == (
        "x-hasura-admin-secret/x-hasura-access-key required, but not found",
        "access-denied",
    )


def test_no_admin_secret_means_admin_or_header_role():
    assert resolve_session(AuthConfig(), {}).role == "admin"
    s = resolve_session(AuthConfig(), {"X-Hasura-Role": "user", "X-Hasura-Org": "a"})
    assert (s.role, s.variables) == ("user", {"x-hasura-org": "a"})


def test_missing_role_claims():
    conf = AuthConfig(
        admin_secret="s", jwt=JWTConfig.from_env('{"type":"HS256","key":"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"}')
    )
    t = jwt.encode(
        {"https://hasura.io/jwt/claims": {"x-hasura-allowed-roles": ["a"]}},
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
        algorithm="HS256",
    )
    with pytest.raises(GQLError) as e:
        resolve_session(conf, {"Authorization": f"Bearer {t}"})
    assert (e.value.code, e.value.message) == (
        "jwt-missing-role-claims",
        "JWT claim does not contain x-hasura-default-role",
    )
    # Allowed roles must be a list (Hasura's parse error), and are read before the default role.
    t = jwt.encode(
        {"https://hasura.io/jwt/claims": {"x-hasura-allowed-roles": "a"}},
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
        algorithm="HS256",
    )
    with pytest.raises(GQLError) as e:
        resolve_session(conf, {"Authorization": f"Bearer {t}"})
    assert (e.value.code, e.value.message) == (
        "jwt-invalid-claims",
        "invalid x-hasura-allowed-roles; should be a list of roles: parsing [] failed, expected Array, "
        "but encountered String",
    )


def test_rs256_and_claim_names_are_case_insensitive():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    import json

    conf = AuthConfig(admin_secret="s", jwt=JWTConfig.from_env(json.dumps({"type": "RS256", "key": pem})))
    t = jwt.encode(
        {
            "https://hasura.io/jwt/claims": {
                "X-Hasura-Default-Role": "user",
                "X-Hasura-Allowed-Roles": ["user"],
                "X-Hasura-Org": "acme",
            }
        },
        private,
        algorithm="RS256",
    )
    s = resolve_session(conf, {"authorization": f"Bearer {t}"})
    assert (s.role, s.variables) == ("user", {"x-hasura-org": "acme"})
