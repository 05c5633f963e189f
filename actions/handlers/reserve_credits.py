"""reserveCredits (mutation, service): hold credits for one AI call before making it.

Idempotent on (session organization, idempotencyKey): a retry answers the existing reservation with
replayed=true. Access denials (plan, quality level, rate limits, funds) are errors with the denial code.
Concurrent writes of one organization share a transaction (actions/batching.py).
"""

from __future__ import annotations

from actions.action import SERVICE, Action, ActionContext
from actions.batching import Call, batch_item, coalesced
from actions.errors import ActionError
from actions.models import CreditReservation
from actions.types import Credits, GraphQLInt, InputModel


class ReserveCreditsInput(InputModel):
    capability: str
    quality_level: str
    idempotency_key: str
    estimated_credits: Credits | None = None
    ttl_seconds: GraphQLInt | None = None


async def handle(ctx: ActionContext, args: ReserveCreditsInput) -> CreditReservation:
    reservations = ctx.metrics.reservations
    try:
        answer = await coalesced(
            ctx,
            Call(
                "select public.reserve_credits($1, $2, $3, $4, $5, coalesce($6::integer, 300))",
                (
                    ctx.organization_id,
                    args.capability,
                    args.quality_level,
                    args.idempotency_key,
                    args.estimated_credits,
                    args.ttl_seconds,
                ),
                batch_item(
                    "reserve",
                    capability=args.capability,
                    quality_level=args.quality_level,
                    idempotency_key=args.idempotency_key,
                    amount=args.estimated_credits,
                    ttl_seconds=args.ttl_seconds,
                ),
            ),
        )
    except ActionError as exc:
        reservations.inc(outcome=exc.code)
        raise
    reservations.inc(outcome="replayed" if answer.get("replayed") else "reserved")
    return CreditReservation.model_validate(answer)


ACTION = Action(
    name="reserveCredits",
    input_model=ReserveCreditsInput,
    output_model=CreditReservation,
    handle=handle,
    roles=frozenset({SERVICE}),
)
