"""settleCredits (mutation, service): charge the actual cost of a reserved AI call, exactly once.

Settling again with the same amount answers the first settlement (replayed=true); a reservation of another
organization is RESERVATION_NOT_FOUND. Concurrent writes of one organization share a transaction
(actions/batching.py).
"""

from __future__ import annotations

from typing import Any

from actions.action import SERVICE, Action, ActionContext
from actions.batching import Call, batch_item, coalesced
from actions.models import CreditSettlement
from actions.types import Credits, InputModel


class SettleCreditsInput(InputModel):
    reservation_id: str
    actual_credits: Credits
    provider_request_id: str | None = None
    # Any JSON; SQL refuses what is not an object (INVALID_ARGUMENT).
    provider_metadata: Any = None


async def handle(ctx: ActionContext, args: SettleCreditsInput) -> CreditSettlement:
    answer = await coalesced(
        ctx,
        Call(
            "select public.settle_credits($1, $2, $3, $4, $5)",
            (
                ctx.organization_id,
                args.reservation_id,
                args.actual_credits,
                args.provider_request_id,
                args.provider_metadata,
            ),
            batch_item(
                "settle",
                reservation_id=args.reservation_id,
                actual_credits=args.actual_credits,
                provider_request_id=args.provider_request_id,
                provider_metadata=args.provider_metadata,
            ),
        ),
    )
    return CreditSettlement.model_validate(answer)


ACTION = Action(
    name="settleCredits",
    input_model=SettleCreditsInput,
    output_model=CreditSettlement,
    handle=handle,
    roles=frozenset({SERVICE}),
)
