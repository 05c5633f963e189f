"""settleCredits (mutation, service): charge the actual cost of a reserved AI call, exactly once.

Settling again with the same amount answers the first settlement (replayed=true); a reservation of another
organization is RESERVATION_NOT_FOUND.
"""

from __future__ import annotations

from actions.action import SERVICE, Action, ActionContext
from actions.calls import call_json
from actions.models import CreditSettlement
from actions.types import Credits, FreeJson, InputModel


class SettleCreditsInput(InputModel):
    reservation_id: str
    actual_credits: Credits
    provider_request_id: str | None = None
    # Any JSON within the free-JSON limits; SQL refuses what is not an object (INVALID_ARGUMENT).
    provider_metadata: FreeJson = None


async def handle(ctx: ActionContext, args: SettleCreditsInput) -> CreditSettlement:
    answer = await call_json(
        ctx,
        "select public.settle_credits($1, $2, $3, $4, $5)",
        ctx.organization_id,
        args.reservation_id,
        args.actual_credits,
        args.provider_request_id,
        args.provider_metadata,
    )
    return CreditSettlement.model_validate(answer)


ACTION = Action(
    name="settleCredits",
    input_model=SettleCreditsInput,
    output_model=CreditSettlement,
    handle=handle,
    roles=frozenset({SERVICE}),
)
