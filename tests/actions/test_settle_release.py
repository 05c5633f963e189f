"""settleCredits and releaseCredits: exactly once, replays, every error code, organization isolation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import Hasura, balance, new_org, session, snapshot


async def ledger_rows(hasura: Hasura, reservation_id: str) -> list[dict]:
    async with hasura.pool.acquire() as conn:
        rows = await conn.fetch(
            "select transaction_type, credits_amount, estimated_credits, provider_request_id,"
            " provider_metadata from credit_transactions where reservation_id = $1",
            reservation_id,
        )
    return [dict(r) for r in rows]


async def test_settle_credits_charges_once_with_ledger_row(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    reservation = await hasura.reserve(org)
    args = {
        "reservationId": reservation["reservationId"],
        "actualCredits": "1.25",
        "providerRequestId": "req-1",
        "providerMetadata": {"tokens": 1234, "cost_usd": 0.0123, "model": "gpt-4o-mini"},
    }
    settled = await hasura.ok("settleCredits", args, session("service", org))
    assert settled["status"] == "settled"
    assert settled["settledCredits"] == "1.25"
    assert settled["creditsAmount"] == "-1.25"
    assert settled["estimatedCredits"] == "1.00"
    assert settled["estimationVariance"] == "0.25"
    assert settled["transactionId"]
    assert settled["replayed"] is False
    replay = await hasura.ok("settleCredits", args, session("service", org))
    assert replay["replayed"] is True
    assert replay["transactionId"] == settled["transactionId"]
    rows = await ledger_rows(hasura, reservation["reservationId"])
    assert rows == [
        {
            "transaction_type": "ai_consumption",
            "credits_amount": Decimal("-1.25"),
            "estimated_credits": Decimal("1.00"),
            "provider_request_id": "req-1",
            "provider_metadata": {"tokens": 1234, "cost_usd": Decimal("0.0123"), "model": "gpt-4o-mini"},
        }
    ]
    after = await balance(hasura.pool, org)
    assert (after["reserved_credits"], after["used_this_period"]) == (Decimal("0.00"), Decimal("1.25"))


async def test_settle_credits_zero_ends_without_ledger_row(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    reservation = await hasura.reserve(org)
    settled = await hasura.ok(
        "settleCredits",
        {"reservationId": reservation["reservationId"], "actualCredits": 0},
        session("service", org),
    )
    assert (settled["settledCredits"], settled["transactionId"], settled["creditsAmount"]) == (
        "0.00",
        None,
        None,
    )
    assert await ledger_rows(hasura, reservation["reservationId"]) == []


async def test_settle_credits_different_amount_after_settle(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(org))["reservationId"]
    await hasura.ok("settleCredits", {"reservationId": rid, "actualCredits": "1"}, session("service", org))
    code = await hasura.error(
        "settleCredits", {"reservationId": rid, "actualCredits": "2"}, session("service", org)
    )
    assert code == "RESERVATION_ALREADY_SETTLED"
    code = await hasura.error(
        "releaseCredits", {"reservationId": rid, "reason": "late"}, session("service", org)
    )
    assert code == "RESERVATION_NOT_PENDING"


async def test_release_credits_returns_hold_and_replays(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(org))["reservationId"]
    args = {"reservationId": rid, "reason": "provider timeout"}
    released = await hasura.ok("releaseCredits", args, session("service", org))
    assert (released["status"], released["releaseReason"], released["replayed"]) == (
        "released",
        "provider timeout",
        False,
    )
    assert released["balance"]["reserved"] == "0.00"
    again = await hasura.ok("releaseCredits", args, session("service", org))
    assert again["replayed"] is True
    code = await hasura.error(
        "settleCredits", {"reservationId": rid, "actualCredits": "1"}, session("service", org)
    )
    assert code == "RESERVATION_RELEASED"


async def test_settle_credits_after_expiry_is_late(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(org, ttlSeconds=1))["reservationId"]
    async with hasura.pool.acquire() as conn:
        await conn.execute("select expire_reservations(now() + interval '1 minute')")
    settled = await hasura.ok(
        "settleCredits", {"reservationId": rid, "actualCredits": "1"}, session("service", org)
    )
    assert (settled["status"], settled["settledLate"]) == ("settled", True)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"actualCredits": "-1"}, "INVALID_AMOUNT"),
        ({"actualCredits": "1.234"}, "INVALID_AMOUNT"),
        ({"actualCredits": "99999999999"}, "INVALID_AMOUNT"),
        ({"actualCredits": "NaN"}, "INVALID_INPUT"),
        ({"actualCredits": "-Infinity"}, "INVALID_INPUT"),
        ({"actualCredits": None}, "INVALID_INPUT"),
        ({"usage": {"inputTokens": 1, "outputTokens": 1, "model": "openai/gpt-4o-mini"}}, "INVALID_INPUT"),
        (
            {
                "actualCredits": None,
                "usage": {"inputTokens": -1, "outputTokens": 1, "model": "openai/gpt-4o-mini"},
            },
            "INVALID_ARGUMENT",
        ),
        ({"actualCredits": None, "usage": {"inputTokens": 1, "outputTokens": 1}}, "INVALID_INPUT"),
        (
            {"actualCredits": None, "usage": {"inputTokens": 1.5, "outputTokens": 1, "model": "x"}},
            "INVALID_INPUT",
        ),
        (
            {"actualCredits": None, "usage": {"inputTokens": 1, "outputTokens": 1, "model": "acme/x"}},
            "MODEL_UNKNOWN",
        ),
        ({"actualCredits": "10.01"}, "SETTLE_CEILING_EXCEEDED"),
        ({"actualCredits": "1,5"}, "INVALID_INPUT"),
        ({"actualCredits": "1" * 10_240}, "INVALID_INPUT"),
        ({"providerMetadata": [1, 2]}, "INVALID_ARGUMENT"),
        ({"providerMetadata": "text"}, "INVALID_ARGUMENT"),
        ({"providerMetadata": {"deep": ["ok", "nul\x00"]}}, "INVALID_INPUT"),
        ({"providerRequestId": "r" * 10_240}, "INVALID_ARGUMENT"),
        ({"providerRequestId": 7}, "INVALID_INPUT"),
        ({"reservationId": "no_such_reservation"}, "RESERVATION_NOT_FOUND"),
        ({"reservationId": ""}, "INVALID_ARGUMENT"),
        ({"reservationId": 123}, "INVALID_INPUT"),
    ],
)
async def test_settle_credits_refusals_write_nothing(hasura: Hasura, overrides: dict, code: str) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(org))["reservationId"]
    args = {"reservationId": rid, "actualCredits": "1.00", **overrides}
    assert await hasura.error("settleCredits", args, session("service", org)) == code


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"reason": ""}, "INVALID_ARGUMENT"),
        ({"reason": "x" * 10_240}, "INVALID_ARGUMENT"),
        ({"reason": None}, "INVALID_INPUT"),
        ({"reservationId": "no_such_reservation"}, "RESERVATION_NOT_FOUND"),
    ],
)
async def test_release_credits_refusals_write_nothing(hasura: Hasura, overrides: dict, code: str) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(org))["reservationId"]
    args = {"reservationId": rid, "reason": "failed", **overrides}
    assert await hasura.error("releaseCredits", args, session("service", org)) == code


@pytest.mark.parametrize("action", ["settleCredits", "releaseCredits"])
async def test_other_organization_cannot_touch_a_reservation(hasura: Hasura, action: str) -> None:
    owner = await new_org(hasura.pool, "plan_pro")
    intruder = await new_org(hasura.pool, "plan_pro")
    rid = (await hasura.reserve(owner))["reservationId"]
    args = {"reservationId": rid, "actualCredits": "1.00", "reason": "steal"}
    # An organization id in the input is not a thing these actions read: it is ignored, the session wins.
    args["organizationId"] = owner
    before = await snapshot(hasura.pool)
    assert await hasura.error(action, args, session("service", intruder)) == "RESERVATION_NOT_FOUND"
    assert await snapshot(hasura.pool) == before
    async with hasura.pool.acquire() as conn:
        status = await conn.fetchval("select status from credit_reservations where id = $1", rid)
    assert status == "pending"
    # The owner still can.
    done = await hasura.ok(action, args, session("service", owner))
    assert done["organizationId"] == owner


async def test_organization_in_reserve_input_is_ignored(hasura: Hasura) -> None:
    org = await new_org(hasura.pool, "plan_pro")
    other = await new_org(hasura.pool, "plan_pro")
    before_other = await balance(hasura.pool, other)
    answer = await hasura.reserve(org, organizationId=other, organization_id=other)
    assert answer["organizationId"] == org
    assert await balance(hasura.pool, other) == before_other
