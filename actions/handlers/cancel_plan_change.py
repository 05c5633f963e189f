"""cancelPlanChange (mutation, admin only): drop a scheduled downgrade (cancelled=false if none)."""

from __future__ import annotations

from actions.action import Action, ActionContext
from actions.calls import call_json
from actions.models import CreditBalance
from actions.types import InputModel, OutputModel


class CancelPlanChangeInput(InputModel):
    organization_id: str


class PlanChangeCancellation(OutputModel):
    organization_id: str
    cancelled: bool
    plan_id: str
    pending_plan_id: str | None
    balance: CreditBalance


async def handle(ctx: ActionContext, args: CancelPlanChangeInput) -> PlanChangeCancellation:
    answer = await call_json(ctx, "select public.cancel_plan_change($1)", args.organization_id)
    return PlanChangeCancellation.model_validate(answer)


ACTION = Action(
    name="cancelPlanChange",
    input_model=CancelPlanChangeInput,
    output_model=PlanChangeCancellation,
    handle=handle,
    roles=frozenset(),
    organization_from="input",
)
