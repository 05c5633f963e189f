"""settleCredits (mutation, service): charge the actual cost of a reserved AI call, exactly once.

The cost is either an amount (actualCredits) or token usage that SQL prices from the model's list prices;
exactly one of the two (SQL refuses both or neither). Settling again with the same amount answers the first
settlement (replayed=true); a reservation of another organization is RESERVATION_NOT_FOUND. Concurrent
writes of one organization share a transaction (actions/batching.py).
"""

from __future__ import annotations

from pydantic import model_validator

from actions.action import SERVICE, Action, ActionContext
from actions.batching import Call, batch_item, coalesced
from actions.models import CreditSettlement
from actions.types import Credits, FreeJson, GraphQLInt, InputModel


class TokenUsage(InputModel):
    input_tokens: GraphQLInt
    output_tokens: GraphQLInt
    model: str


class SettleCreditsInput(InputModel):
    reservation_id: str
    actual_credits: Credits | None = None
    usage: TokenUsage | None = None
    provider_request_id: str | None = None
    # Any JSON within the free-JSON limits; SQL refuses what is not an object (INVALID_ARGUMENT).
    provider_metadata: FreeJson = None

    @model_validator(mode="after")
    def _exactly_one_cost(self) -> SettleCreditsInput:
        if (self.actual_credits is None) == (self.usage is None):
            raise ValueError("give exactly one of actualCredits and usage")
        return self


async def handle(ctx: ActionContext, args: SettleCreditsInput) -> CreditSettlement:
    usage = args.usage
    answer = await coalesced(
        ctx,
        Call(
            "select public.settle_credits($1, $2, $3, $4, $5, now(), $6, $7, $8)",
            (
                ctx.organization_id,
                args.reservation_id,
                args.actual_credits,
                args.provider_request_id,
                args.provider_metadata,
                usage.input_tokens if usage else None,
                usage.output_tokens if usage else None,
                usage.model if usage else None,
            ),
            batch_item(
                "settle",
                reservation_id=args.reservation_id,
                actual_credits=args.actual_credits,
                provider_request_id=args.provider_request_id,
                provider_metadata=args.provider_metadata,
                input_tokens=usage.input_tokens if usage else None,
                output_tokens=usage.output_tokens if usage else None,
                model=usage.model if usage else None,
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
