"""Every credit code of docs/credit-core.md reaches the application as its own exception, with its fields,
through the real engine and service; and a refused call writes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import credits_client as cc
import pytest
from conftest import Stack
from credits_client.errors import CREDIT_CODES, ERRORS_BY_CODE

Scenario = Callable[[Stack], Awaitable[tuple[str, Callable[[cc.CreditsClient], Awaitable[object]]]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(code: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[code] = fn
        return fn

    return register


async def reserved(stack: Stack, org: str, **options: object) -> str:
    async with stack.client(org) as credits:
        return (await credits.reserve("question_generation", "fast", **options)).reservation_id  # type: ignore[arg-type]


@scenario("CAPABILITY_UNKNOWN")
async def _(stack):
    return await stack.new_org(), lambda c: c.reserve("no_such_capability", "fast")


@scenario("QUALITY_LEVEL_UNKNOWN")
async def _(stack):
    return await stack.new_org(), lambda c: c.reserve("question_generation", "ultra")


@scenario("NO_ACTIVE_PLAN")
async def _(stack):
    org = await stack.new_org()
    await stack.sql("update organization_plans set status = 'canceled' where organization_id = $1", org)
    return org, lambda c: c.reserve("question_generation", "fast")


@scenario("CAPABILITY_NOT_IN_PLAN")
async def _(stack):
    return await stack.new_org("plan_free"), lambda c: c.reserve("testimonial_polish", "fast")


@scenario("CAPABILITY_DISABLED")
async def _(stack):
    return await stack.new_org("plan_lab"), lambda c: c.reserve("testimonial_polish", "fast")


@scenario("QUALITY_LEVEL_NOT_ALLOWED")
async def _(stack):
    return await stack.new_org("plan_free"), lambda c: c.reserve("question_generation", "enhanced")


@scenario("NO_MODEL_AVAILABLE")
async def _(stack):
    return await stack.new_org("plan_lab"), lambda c: c.reserve("testimonial_assembly", "fast")


@scenario("RATE_LIMIT_MINUTE")
async def _(stack):
    org = await stack.new_org("plan_free")  # 10 per minute
    for n in range(10):
        r = await reserved(stack, org, estimate="0.10", idempotency_key=f"rpm-{n}")
        await stack.client(org).release(r, "spent the minute's quota")
    return org, lambda c: c.reserve("question_generation", "fast", estimate="0.10")


@scenario("RATE_LIMIT_DAY")
async def _(stack):
    org = await stack.new_org("plan_lab")  # 1 per day
    await reserved(stack, org)
    return org, lambda c: c.reserve("question_generation", "fast")


@scenario("INSUFFICIENT_CREDITS")
async def _(stack):
    return await stack.new_org(), lambda c: c.reserve("question_generation", "fast", estimate="100000")


@scenario("ORGANIZATION_NOT_FOUND")
async def _(stack):
    return "org_does_not_exist", lambda c: c.reserve("question_generation", "fast")


@scenario("RESERVATION_NOT_FOUND")
async def _(stack):
    return await stack.new_org(), lambda c: c.settle("no_such_reservation", credits="1.00")


@scenario("RESERVATION_RELEASED")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    await stack.client(org).release(rid, "the call failed")
    return org, lambda c: c.settle(rid, credits="1.00")


@scenario("RESERVATION_ALREADY_SETTLED")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    await stack.client(org).settle(rid, credits="1.00")
    return org, lambda c: c.settle(rid, credits="2.00")


@scenario("RESERVATION_NOT_PENDING")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    await stack.client(org).settle(rid, credits="1.00")
    return org, lambda c: c.release(rid, "too late")


@scenario("IDEMPOTENCY_KEY_REUSED")
async def _(stack):
    org = await stack.new_org()
    await reserved(stack, org, idempotency_key="job-1")
    return org, lambda c: c.reserve("testimonial_polish", "fast", idempotency_key="job-1")


@scenario("INVALID_AMOUNT")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    return org, lambda c: c.settle(rid, credits="-1.00")


@scenario("INVALID_ARGUMENT")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    return org, lambda c: c.release(rid, "   ")


CHANGE_PLAN = "mutation($o: String!, $p: String!) { changePlan(organizationId: $o, planId: $p) { effect } }"


@scenario("PLAN_NOT_FOUND")
async def _(stack):
    org = await stack.new_org()
    return org, lambda c: admin(stack, org).execute(CHANGE_PLAN, {"o": org, "p": "plan_nope"})


@scenario("PLAN_UNCHANGED")
async def _(stack):
    org = await stack.new_org()
    return org, lambda c: admin(stack, org).execute(CHANGE_PLAN, {"o": org, "p": "plan_pro"})


@scenario("SETTLE_CEILING_EXCEEDED")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org, estimate="50.00")
    return org, lambda c: c.settle(rid, credits="999999999.00")


@scenario("MODEL_UNKNOWN")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)
    return org, lambda c: c.settle(rid, usage=cc.Usage(input_tokens=1, output_tokens=1, model="acme/gpt-9"))


@scenario("MODEL_NOT_ALLOWED")
async def _(stack):
    org = await stack.new_org()
    rid = await reserved(stack, org)  # fast: gpt-4o is not among its models
    return org, lambda c: c.settle(
        rid, usage=cc.Usage(input_tokens=1, output_tokens=1, model="openai/gpt-4o")
    )


@scenario("MODEL_PRICE_MISSING")
async def _(stack):
    org = await stack.new_org("plan_lab")
    rid = await reserved(stack, org)
    return org, lambda c: c.settle(
        rid, usage=cc.Usage(input_tokens=1, output_tokens=1, model="openai/unpriced")
    )


def admin(stack: Stack, org: str) -> cc.CreditsClient:
    return stack.client(org, "admin")


def test_every_credit_code_has_a_scenario() -> None:
    assert set(SCENARIOS) == CREDIT_CODES


@pytest.mark.parametrize("code", sorted(SCENARIOS))
async def test_each_code_is_its_exception_and_nothing_is_written(stack: Stack, code: str) -> None:
    org, call = await SCENARIOS[code](stack)
    before = await stack.snapshot(org)
    async with stack.client(org) as credits:
        with pytest.raises(ERRORS_BY_CODE[code]) as caught:
            await call(credits)
    exc = caught.value
    assert isinstance(exc, cc.CreditsError)
    assert (exc.code, exc.retryable) == (code, False)
    assert exc.message and exc.request_id
    assert await stack.snapshot(org) == before
    if org.startswith("org_") and org != "org_does_not_exist":
        assert await stack.invariants(org) == []


async def test_denials_carry_what_the_app_needs_to_react(stack: Stack) -> None:
    free = await stack.new_org("plan_free")
    async with stack.client(free) as credits:
        with pytest.raises(cc.QualityLevelNotAllowed) as level:
            await credits.reserve("question_generation", "enhanced")
        assert [p.unique_name for p in level.value.unlock_plans] == ["pro", "team"]
        with pytest.raises(cc.CapabilityNotInPlan) as capability:
            async with cc.ai_call(credits, "testimonial_polish", "fast"):
                raise AssertionError("a denied call never runs")
        assert [p.unique_name for p in capability.value.unlock_plans] == ["pro", "team"]
        with pytest.raises(cc.InsufficientCredits) as funds:
            await credits.reserve("question_generation", "fast", estimate="500")
        assert (funds.value.required, funds.value.spendable) == (Decimal("500.00"), Decimal("10.00"))
    lab = await stack.new_org("plan_lab")
    await reserved(stack, lab)
    async with stack.client(lab) as credits:
        with pytest.raises(cc.RateLimited) as limited:
            await credits.reserve("question_generation", "fast")
    assert isinstance(limited.value, cc.RateLimitDay) and limited.value.retry_after == 86400


async def test_bad_input_is_a_typed_exception_and_writes_nothing(stack: Stack, org: str) -> None:
    rid = await reserved(stack, org)
    before = await stack.snapshot(org)
    async with stack.client(org) as credits:
        with pytest.raises(cc.InvalidInput):
            await credits.settle(rid, credits="twelve")
        with pytest.raises(cc.InvalidArgument):
            await credits.settle(
                rid, usage=cc.Usage(input_tokens=-5, output_tokens=10, model="openai/gpt-4o-mini")
            )
        with pytest.raises(cc.ModelUnknown):
            await credits.settle(rid, usage=cc.Usage(input_tokens=5, output_tokens=10, model="no/such-model"))
        with pytest.raises(cc.InvalidInput):
            await credits.reserve("question_generation", "fast", estimate="1e400")
        with pytest.raises(cc.ValidationFailed):  # beyond GraphQL's 32-bit Int
            await credits.settle(
                rid, usage=cc.Usage(input_tokens=2**31, output_tokens=0, model="openai/gpt-4o-mini")
            )
        with pytest.raises(TypeError):
            await credits.settle(rid, credits=0.1)  # type: ignore[arg-type]
    assert await stack.snapshot(org) == before


async def test_a_role_without_the_action_and_a_bad_token_are_typed(stack: Stack, org: str) -> None:
    async with stack.client(org, "viewer") as viewer:
        with pytest.raises(cc.ValidationFailed):
            await viewer.reserve("question_generation", "fast")
    async with cc.CreditsClient(stack.graphql_url, token="not-a-jwt") as anybody:
        with pytest.raises(cc.InvalidToken):
            await anybody.check_access("question_generation", "fast")
