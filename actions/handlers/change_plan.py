"""changePlan (mutation, admin only): upgrade now (prorated credits) or schedule a downgrade."""

from __future__ import annotations

from actions.action import Action, ActionContext
from actions.calls import call_json
from actions.models import CreditBalance
from actions.types import Credits, InputModel, OutputModel


class ChangePlanInput(InputModel):
    organization_id: str
    plan_id: str


class PlanChange(OutputModel):
    organization_id: str
    effect: str
    plan_id: str
    previous_plan_id: str
    pending_plan_id: str | None
    pending_change_at: str | None
    adjustment_credits: Credits
    transaction_id: str | None
    balance: CreditBalance


async def handle(ctx: ActionContext, args: ChangePlanInput) -> PlanChange:
    answer = await call_json(ctx, "select public.change_plan($1, $2)", args.organization_id, args.plan_id)
    return PlanChange.model_validate(answer)


ACTION = Action(
    name="changePlan",
    input_model=ChangePlanInput,
    output_model=PlanChange,
    handle=handle,
    roles=frozenset(),
    organization_from="input",
)
