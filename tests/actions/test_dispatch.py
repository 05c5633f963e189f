"""The /actions dispatcher: secret, payload shape, session variables, roles, unknown actions, 500s."""

from __future__ import annotations

import httpx
import pytest
from pydantic import BaseModel

from actions.action import Action, ActionContext
from actions.app import create_app
from actions.types import InputModel

from .conftest import make_settings
from .helpers import ADMIN, SECRET, SECRET_HEADER, SERVICE_PRO, Hasura, body, key, session, snapshot

ACCESS = {"capability": "question_generation", "qualityLevel": "fast"}


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789", SECRET + "x", SECRET.upper()])
async def test_actions_wrong_or_missing_secret_is_401(hasura: Hasura, secret: str | None) -> None:
    before = await snapshot(hasura.pool)
    response = await hasura.call("reserveCredits", {**ACCESS, "idempotencyKey": key()}, SERVICE_PRO, secret)
    assert response.status_code == 401
    assert response.json()["extensions"]["code"] == "UNAUTHORIZED"
    assert await snapshot(hasura.pool) == before


async def test_actions_unknown_action(hasura: Hasura) -> None:
    assert await hasura.error("mintMoney", {}, ADMIN) == "UNKNOWN_ACTION"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"input": {}}',
        b'{"action": {}}',
        b'{"action": {"name": 5}}',
        b'{"action": {"name": "aiAccessCheck"}, "input": [1]}',
        b'{"action": {"name": "x"}, "n": NaN}',
    ],
)
async def test_actions_malformed_payload_is_invalid_input(hasura: Hasura, raw: bytes) -> None:
    response = await hasura.http.post(
        "/actions", content=raw, headers={SECRET_HEADER: SECRET, "content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["extensions"]["code"] == "INVALID_INPUT"


async def test_actions_body_over_limit_is_refused(hasura: Hasura) -> None:
    huge = {**ACCESS, "padding": "x" * 2_000_000}
    response = await hasura.call("aiAccessCheck", huge, session("member", "org_pro"))
    assert response.status_code == 400
    assert response.json()["extensions"]["code"] == "INVALID_INPUT"


async def test_actions_session_keys_any_case_and_extra_fields_accepted(hasura: Hasura) -> None:
    variables = {"X-HASURA-ROLE": "member", "x-hasura-organization-id": "org_pro", "X-Hasura-Unknown": "1"}
    answer = await hasura.ok("aiAccessCheck", {**ACCESS, "unknownField": 1}, variables)
    assert answer["organizationId"] == "org_pro"
    assert answer["allowed"] is True


@pytest.mark.parametrize("variables", [None, {}, {"x-hasura-organization-id": "org_pro"}])
async def test_actions_missing_role_is_forbidden(hasura: Hasura, variables: dict[str, str] | None) -> None:
    assert await hasura.error("aiAccessCheck", ACCESS, variables) == "FORBIDDEN"


@pytest.mark.parametrize("role", ["member", "service", "admin", "viewer"])
async def test_actions_missing_organization_is_forbidden(hasura: Hasura, role: str) -> None:
    assert await hasura.error("aiAccessCheck", ACCESS, session(role)) == "FORBIDDEN"


@pytest.mark.parametrize("role", ["anonymous", "user", "ADMIN", "superuser"])
async def test_actions_unknown_roles_are_forbidden(hasura: Hasura, role: str) -> None:
    assert await hasura.error("aiAccessCheck", ACCESS, session(role, "org_pro")) == "FORBIDDEN"


@pytest.mark.parametrize("role", ["viewer", "member", "org_admin", "owner"])
@pytest.mark.parametrize(
    ("action", "args"),
    [
        ("reserveCredits", {**ACCESS, "idempotencyKey": "k-forbidden"}),
        ("settleCredits", {"reservationId": "r1", "actualCredits": "1.00"}),
        ("releaseCredits", {"reservationId": "r1", "reason": "failed"}),
    ],
)
async def test_service_actions_refuse_end_user_roles(
    hasura: Hasura, role: str, action: str, args: dict
) -> None:
    assert await hasura.error(action, args, session(role, "org_pro")) == "FORBIDDEN"


@pytest.mark.parametrize("role", ["viewer", "member", "org_admin", "owner", "service"])
@pytest.mark.parametrize(
    ("action", "args"),
    [
        (
            "grantCredits",
            {"organizationId": "org_pro", "amount": "5", "kind": "promo_bonus", "idempotencyKey": "g"},
        ),
        ("changePlan", {"organizationId": "org_pro", "planId": "plan_team"}),
        ("cancelPlanChange", {"organizationId": "org_pro"}),
    ],
)
async def test_admin_actions_refuse_other_roles(hasura: Hasura, role: str, action: str, args: dict) -> None:
    assert await hasura.error(action, args, session(role, "org_pro")) == "FORBIDDEN"


async def test_admin_may_check_access_for_its_session_organization(hasura: Hasura) -> None:
    answer = await hasura.ok("aiAccessCheck", ACCESS, session("admin", "org_team"))
    assert answer["organizationId"] == "org_team"


async def test_request_id_is_echoed_or_generated(hasura: Hasura) -> None:
    given = await hasura.http.post(
        "/actions",
        json=body("aiAccessCheck", ACCESS, session("member", "org_pro")),
        headers={SECRET_HEADER: SECRET, "X-Request-Id": "req-123.abc"},
    )
    assert given.headers["x-request-id"] == "req-123.abc"
    generated = await hasura.http.post("/actions", json={}, headers={"X-Request-Id": "bad id with spaces"})
    assert generated.headers["x-request-id"] not in ("", "bad id with spaces")


async def test_unknown_route_is_json_404(hasura: Hasura) -> None:
    response = await hasura.http.get("/nope")
    assert response.status_code == 404
    assert response.json()["extensions"]["code"] == "NOT_FOUND"


class _Out(BaseModel):
    ok: bool


async def _broken(ctx: ActionContext, args: InputModel) -> _Out:
    async with ctx.pool.acquire() as conn:
        await conn.execute("select * from table_that_does_not_exist")
    return _Out(ok=True)


async def test_unexpected_error_is_generic_500_without_sql(db_url: str) -> None:
    broken = Action("broken", InputModel, _Out, _broken, roles=frozenset({"member"}))
    app = create_app(make_settings(db_url), actions={"broken": broken})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/actions",
                json=body("broken", {}, session("member", "org_pro")),
                headers={SECRET_HEADER: SECRET, "X-Request-Id": "req-500"},
            )
    assert response.status_code == 500
    payload = response.json()
    assert payload["extensions"] == {"code": "INTERNAL_ERROR", "request_id": "req-500"}
    assert "table_that_does_not_exist" not in response.text
    assert "Traceback" not in response.text


async def test_actions_lone_surrogate_text_is_invalid_input(hasura: Hasura) -> None:
    raw = (
        b'{"action": {"name": "reserveCredits"}, "input": {"capability": "question_generation",'
        b' "qualityLevel": "fast", "idempotencyKey": "k\\ud800"},'
        b' "session_variables": {"x-hasura-role": "service", "x-hasura-organization-id": "org_pro"}}'
    )
    before = await snapshot(hasura.pool)
    response = await hasura.http.post(
        "/actions", content=raw, headers={SECRET_HEADER: SECRET, "content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["extensions"]["code"] == "INVALID_INPUT"
    assert await snapshot(hasura.pool) == before


def test_organization_from_input_is_admin_only() -> None:
    with pytest.raises(ValueError, match="admin-only"):
        Action("leaky", InputModel, _Out, _broken, roles=frozenset({"member"}), organization_from="input")
