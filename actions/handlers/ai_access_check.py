"""aiAccessCheck (query): may the session's organization use a capability at a quality level now?

A denial is a normal answer (allowed=false, reason); only an unknown organization or bad input is an error.
"""

from __future__ import annotations

from actions.action import END_USER_ROLES, SERVICE, Action, ActionContext
from actions.calls import call_json
from actions.models import AIModel, CreditBalance, PlanRef, RateLimits, UnlockPlan
from actions.types import Credits, InputModel, OutputModel


class AIAccessCheckInput(InputModel):
    capability: str
    quality_level: str


class AIAccessCheck(OutputModel):
    allowed: bool
    reason: str | None
    message: str
    organization_id: str
    plan: PlanRef | None
    capability: str
    capability_id: str | None
    quality_level: str
    quality_level_id: str | None
    estimated_credits: Credits | None
    requested_credits: Credits | None
    balance: CreditBalance
    models: list[AIModel]
    rate_limits: RateLimits
    allowed_quality_levels: list[str]
    unlock_plans: list[UnlockPlan]


async def handle(ctx: ActionContext, args: AIAccessCheckInput) -> AIAccessCheck:
    answer = await call_json(
        ctx,
        "select public.ai_access_check($1, $2, $3)",
        ctx.organization_id,
        args.capability,
        args.quality_level,
    )
    return AIAccessCheck.model_validate(answer)


ACTION = Action(
    name="aiAccessCheck",
    input_model=AIAccessCheckInput,
    output_model=AIAccessCheck,
    handle=handle,
    roles=END_USER_ROLES | {SERVICE},
)
