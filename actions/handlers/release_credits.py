"""releaseCredits (mutation, service): give a hold back when the AI call failed or was not made.

Releasing a released reservation answers it again (replayed=true); a settled one is RESERVATION_NOT_PENDING.
"""

from __future__ import annotations

from actions.action import SERVICE, Action, ActionContext
from actions.calls import call_json
from actions.models import CreditReservation
from actions.types import InputModel


class ReleaseCreditsInput(InputModel):
    reservation_id: str
    reason: str


async def handle(ctx: ActionContext, args: ReleaseCreditsInput) -> CreditReservation:
    answer = await call_json(
        ctx,
        "select public.release_credits($1, $2, $3)",
        ctx.organization_id,
        args.reservation_id,
        args.reason,
    )
    return CreditReservation.model_validate(answer)


ACTION = Action(
    name="releaseCredits",
    input_model=ReleaseCreditsInput,
    output_model=CreditReservation,
    handle=handle,
    roles=frozenset({SERVICE}),
)
