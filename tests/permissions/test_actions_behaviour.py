"""Every action × role of the matrix, called through GraphQL (engine → service → database), JWT of ORG.

A role the matrix allows gets the action's effect, on ORG only (checked in the database); every other role
is refused with Hasura's validation error and nothing changes in any table.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from .conftest import ADMIN, ORG, Stack
from .database import fingerprint
from .matrix import ROLES, load
from .outcomes import BASE_TABLES, changed_tables, refused

MATRIX = load()
_keys = itertools.count()


@dataclass(frozen=True)
class Call:
    """How to call an action, what to arrange first (-> variables), and what an allowed call leaves."""

    root: str  # query_root | mutation_root
    document: str
    arrange: Callable[[Stack], Awaitable[dict[str, Any]]]
    landed: Callable[[Stack, dict[str, Any], dict[str, Any]], Awaitable[list[str]]]


async def _no_variables(stack: Stack) -> dict[str, Any]:
    return {}


async def _new_key(stack: Stack) -> dict[str, Any]:
    return {"k": f"matrix-{next(_keys)}"}


async def _pending_reservation(stack: Stack) -> dict[str, Any]:
    answer = await stack.db.fetchval(
        "select reserve_credits($1, 'question_generation', 'fast', $2)", ORG, f"matrix-{next(_keys)}"
    )
    return {"id": answer["reservation_id"]}


async def _no_pending_plan_change(stack: Stack) -> dict[str, Any]:
    await stack.db.execute(
        "update organization_plans set pending_plan_id = null, pending_change_at = null"
        " where organization_id = $1 and status <> 'canceled'",
        ORG,
    )
    return {}


async def _pending_plan_change(stack: Stack) -> dict[str, Any]:
    await _no_pending_plan_change(stack)
    await stack.db.execute("select change_plan($1, 'plan_free')", ORG)
    return {}


async def _access_answer(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    answer = data["aiAccessCheck"]
    available = await stack.db.fetchval(
        "select monthly_credits + bonus_credits - reserved_credits - used_this_period"
        " from organization_credit_balances where organization_id = $1",
        ORG,
    )
    if answer["organizationId"] != ORG or Decimal(answer["balance"]["available"]) != available:
        return [f"aiAccessCheck should answer for {ORG} ({available} available): {answer}"]
    return []


async def _reservation_in(status: str, stack: Stack, reservation_id: str) -> list[str]:
    row = await stack.db.fetchrow(
        "select organization_id, status from credit_reservations where id = $1", reservation_id
    )
    if row is None or (row["organization_id"], row["status"]) != (ORG, status):
        return [f"reservation {reservation_id} should be {status} in {ORG}: {row}"]
    return []


async def _reserved(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    return await _reservation_in("pending", stack, data["reserveCredits"]["reservationId"])


async def _settled(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    problems = await _reservation_in("settled", stack, v["id"])
    ledger = await stack.db.fetch(
        "select organization_id from credit_transactions where reservation_id = $1", v["id"]
    )
    if [r["organization_id"] for r in ledger] != [ORG]:
        problems.append(f"settling {v['id']} should write one ledger row of {ORG}: {ledger}")
    return problems


async def _released(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    return await _reservation_in("released", stack, v["id"])


async def _granted(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    row = await stack.db.fetchrow(
        "select organization_id, credits_amount from credit_transactions where id = $1",
        data["grantCredits"]["transactionId"],
    )
    if row is None or (row["organization_id"], row["credits_amount"]) != (ORG, 1):
        return [f"grantCredits should write +1 to {ORG}'s ledger: {row}"]
    return []


async def _pending_plan(plan: str | None, stack: Stack) -> list[str]:
    pending = await stack.db.fetchval(
        "select pending_plan_id from organization_plans where organization_id = $1 and status <> 'canceled'",
        ORG,
    )
    return [] if pending == plan else [f"{ORG}'s pending plan should be {plan}, is {pending}"]


async def _plan_change_scheduled(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    return await _pending_plan("plan_free", stack)


async def _plan_change_cancelled(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    return await _pending_plan(None, stack)


async def _checkout_started(stack: Stack, v: dict[str, Any], data: dict[str, Any]) -> list[str]:
    row = await stack.db.fetchrow(
        "select organization_id, status from credit_purchases where id = $1",
        data["createTopupCheckout"]["purchaseId"],
    )
    if row is None or (row["organization_id"], row["status"]) != (ORG, "pending"):
        return [f"createTopupCheckout should record a pending purchase of {ORG}: {row}"]
    return []


CALLS: dict[str, Call] = {
    "aiAccessCheck": Call(
        "query_root",
        """query { aiAccessCheck(capability: "question_generation", qualityLevel: "fast") {
             organizationId allowed balance { available } } }""",
        _no_variables,
        _access_answer,
    ),
    "reserveCredits": Call(
        "mutation_root",
        """mutation($k: String!) { reserveCredits(capability: "question_generation", qualityLevel: "fast",
             idempotencyKey: $k) { reservationId } }""",
        _new_key,
        _reserved,
    ),
    "settleCredits": Call(
        "mutation_root",
        """mutation($id: String!) { settleCredits(reservationId: $id, actualCredits: "1") { status } }""",
        _pending_reservation,
        _settled,
    ),
    "releaseCredits": Call(
        "mutation_root",
        """mutation($id: String!) { releaseCredits(reservationId: $id, reason: "matrix") { status } }""",
        _pending_reservation,
        _released,
    ),
    "createTopupCheckout": Call(
        "mutation_root",
        """mutation { createTopupCheckout(packageId: "pkg_starter", successUrl: "https://app.example/ok",
             cancelUrl: "https://app.example/cancel") { purchaseId url } }""",
        _no_variables,
        _checkout_started,
    ),
    "grantCredits": Call(
        "mutation_root",
        """mutation($k: String!) { grantCredits(organizationId: "org_pro", amount: "1", kind: "promo_bonus",
             idempotencyKey: $k) { transactionId } }""",
        _new_key,
        _granted,
    ),
    "changePlan": Call(
        "mutation_root",
        """mutation { changePlan(organizationId: "org_pro", planId: "plan_free") { effect } }""",
        _no_pending_plan_change,
        _plan_change_scheduled,
    ),
    "cancelPlanChange": Call(
        "mutation_root",
        """mutation { cancelPlanChange(organizationId: "org_pro") { cancelled } }""",
        _pending_plan_change,
        _plan_change_cancelled,
    ),
}

PAIRS = [(action, role) for action in MATRIX.actions for role in (*ROLES, ADMIN)]


def test_every_action_of_the_matrix_has_a_call():
    assert sorted(CALLS) == sorted(MATRIX.actions)


@pytest.mark.parametrize(("action", "role"), PAIRS, ids=[f"{a}-{r}" for a, r in PAIRS])
async def test_action(stack: Stack, action: str, role: str):
    call = CALLS[action]
    variables = await call.arrange(stack)
    before = await fingerprint(stack.db, BASE_TABLES)
    r = await stack.gql(role, call.document, variables)
    if role == ADMIN or role in MATRIX.actions[action]:
        assert "errors" not in r, f"{action}: {role} may call it: {r}"
        assert await call.landed(stack, variables, r["data"]) == []
    else:
        assert refused(r, action, call.root) is None, f"{action}: {role} may not call it: {r}"
        assert await changed_tables(stack, before) == [], f"{action}: a refused call as {role} changed data"


async def test_the_allowed_calls_left_every_balance_consistent(stack: Stack):
    # Runs after the calls above (file order): what they moved, they moved through the ledger.
    assert [dict(v) for v in await stack.db.fetch("select * from check_credit_invariants()")] == []
