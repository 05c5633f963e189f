"""Errors have Hasura's shape: HTTP 200, `errors` without `data`, and Hasura's codes."""

from __future__ import annotations

import time

from .conftest import ORGS, Api


def test_invalid_admin_secret(api: Api):
    r = api.post("{ plans { id } }", headers={"x-hasura-admin-secret": "wrong"})
    assert r == {
        "errors": [
            {
                "message": "invalid x-hasura-admin-secret/x-hasura-access-key",
                "extensions": {"path": "$", "code": "access-denied"},
            }
        ]
    }


def test_expired_jwt(api: Api):
    t = api.token("member", ORGS[0], exp=int(time.time()) - 3600)
    r = api.post("{ plans { id } }", headers={"authorization": f"Bearer {t}"})
    assert r == {
        "errors": [
            {
                "message": "Could not verify JWT: JWTExpired",
                "extensions": {"path": "$", "code": "invalid-jwt"},
            }
        ]
    }


def test_role_not_allowed(api: Api):
    t = api.token("member", ORGS[0])
    r = api.post("{ plans { id } }", headers={"authorization": f"Bearer {t}", "x-hasura-role": "owner"})
    assert r == {
        "errors": [
            {
                "message": "Your requested role is not in allowed roles",
                "extensions": {"path": "$", "code": "access-denied"},
            }
        ]
    }


def test_missing_session_variable(api: Api):
    r = api.as_role("member", None, "{ organization_credit_balances { id } }")
    assert r == {
        "errors": [
            {
                "message": 'missing session variable: "x-hasura-organization-id"',
                "extensions": {"path": "$", "code": "not-found"},
            }
        ]
    }


def test_unknown_root_field(api: Api):
    r = api.as_role("member", ORGS[0], "{ nothing_here { id } }")
    assert r == {
        "errors": [
            {
                "message": "field 'nothing_here' not found in type: 'query_root'",
                "extensions": {"path": "$.selectionSet.nothing_here", "code": "validation-failed"},
            }
        ]
    }
