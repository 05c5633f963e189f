"""grantCredits, changePlan, cancelPlanChange (admin only; the organization comes from the input)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import ADMIN, Hasura, balance, key, new_org, new_org_without_plan


def grant_args(org: str, **overrides: object) -> dict:
    args: dict = {"organizationId": org, "amount": "25.50", "kind": "promo_bonus", "idempotencyKey": key("g")}
    args.update(overrides)
    return args


async def test_grant_credits_adds_bonus_with_ledger_row_once(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    args = grant_args(org, reason="launch promo")
    granted = await hasura.ok("grantCredits", args, ADMIN)
    assert granted["organizationId"] == org
    assert (granted["transactionType"], granted["creditsAmount"], granted["description"]) == (
        "promo_bonus",
        "25.50",
        "launch promo",
    )
    assert granted["balance"]["bonus"] == "25.50"
    replay = await hasura.ok("grantCredits", args, ADMIN)
    assert (replay["replayed"], replay["transactionId"]) == (True, granted["transactionId"])
    assert (await balance(hasura.pool, org))["bonus_credits"] == Decimal("25.50")


async def test_grant_credits_negative_adjustment(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    taken = await hasura.ok("grantCredits", grant_args(org, amount="-5", kind="admin_adjustment"), ADMIN)
    assert taken["creditsAmount"] == "-5.00"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"amount": "0"}, "INVALID_AMOUNT"),
        ({"amount": "-5"}, "INVALID_AMOUNT"),  # promo_bonus must be positive
        ({"amount": "0.001"}, "INVALID_AMOUNT"),
        ({"amount": "1000000000.01"}, "INVALID_AMOUNT"),
        ({"amount": "NaN"}, "INVALID_INPUT"),
        ({"amount": 0.001}, "INVALID_AMOUNT"),  # a JSON number is read exactly, so SQL sees 0.001
        ({"kind": "free_money"}, "INVALID_ARGUMENT"),
        ({"reason": "r" * 10_240}, "INVALID_ARGUMENT"),
        ({"idempotencyKey": " "}, "INVALID_ARGUMENT"),
        ({"organizationId": "org_nope"}, "ORGANIZATION_NOT_FOUND"),
        ({"organizationId": 5}, "INVALID_INPUT"),
        ({"amount": None}, "INVALID_INPUT"),
    ],
)
async def test_grant_credits_refusals_write_nothing(hasura: Hasura, overrides: dict, code: str) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    assert await hasura.error("grantCredits", grant_args(org, **overrides), ADMIN) == code


async def test_grant_credits_key_reused_and_no_balance(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    args = grant_args(org)
    await hasura.ok("grantCredits", args, ADMIN)
    assert await hasura.error("grantCredits", {**args, "amount": "26"}, ADMIN) == "IDEMPOTENCY_KEY_REUSED"
    planless = await new_org_without_plan(hasura.pool)
    assert await hasura.error("grantCredits", grant_args(planless), ADMIN) == "NO_ACTIVE_PLAN"


async def test_admin_action_ignores_session_organization(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    granted = await hasura.ok(
        "grantCredits", grant_args(org), {"x-hasura-role": "admin", "x-hasura-organization-id": "org_team"}
    )
    assert granted["organizationId"] == org


async def test_change_plan_upgrade_downgrade_cancel(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    upgraded = await hasura.ok("changePlan", {"organizationId": org, "planId": "plan_team"}, ADMIN)
    assert (upgraded["effect"], upgraded["planId"], upgraded["previousPlanId"]) == (
        "upgraded",
        "plan_team",
        "plan_pro",
    )
    assert Decimal(upgraded["adjustmentCredits"]) >= 0
    scheduled = await hasura.ok("changePlan", {"organizationId": org, "planId": "plan_free"}, ADMIN)
    assert (scheduled["effect"], scheduled["pendingPlanId"]) == ("scheduled", "plan_free")
    assert scheduled["pendingChangeAt"] == scheduled["balance"]["periodEnd"]
    assert scheduled["adjustmentCredits"] == "0.00"
    cancelled = await hasura.ok("cancelPlanChange", {"organizationId": org}, ADMIN)
    assert (cancelled["cancelled"], cancelled["planId"], cancelled["pendingPlanId"]) == (
        True,
        "plan_team",
        None,
    )
    nothing = await hasura.ok("cancelPlanChange", {"organizationId": org}, ADMIN)
    assert nothing["cancelled"] is False


@pytest.mark.parametrize(
    ("plan", "code"),
    [
        ("plan_nope", "PLAN_NOT_FOUND"),
        ("plan_pro", "PLAN_UNCHANGED"),
        ("", "INVALID_ARGUMENT"),
        (None, "INVALID_INPUT"),
    ],
)
async def test_change_plan_refusals_write_nothing(hasura: Hasura, plan: str | None, code: str) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    assert await hasura.error("changePlan", {"organizationId": org, "planId": plan}, ADMIN) == code


@pytest.mark.parametrize("action", ["changePlan", "cancelPlanChange"])
async def test_plan_actions_unknown_or_planless_organization(hasura: Hasura, action: str) -> None:
    args = {"organizationId": "org_nope", "planId": "plan_team"}
    assert await hasura.error(action, args, ADMIN) == "ORGANIZATION_NOT_FOUND"
    args["organizationId"] = await new_org_without_plan(hasura.pool)
    assert await hasura.error(action, args, ADMIN) == "NO_ACTIVE_PLAN"
