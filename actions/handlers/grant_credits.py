"""grantCredits (mutation, admin only): add or remove credits with a ledger row, idempotently.

`kind` is the ledger transaction type (promo_bonus, admin_adjustment, topup_purchase, topup_refund,
plan_allocation, plan_change_adjustment); SQL decides which signs each allows.
"""

from __future__ import annotations

from actions.action import Action, ActionContext
from actions.calls import call_json
from actions.models import CreditBalance
from actions.types import Credits, InputModel, OutputModel


class GrantCreditsInput(InputModel):
    organization_id: str
    amount: Credits
    kind: str
    idempotency_key: str
    reason: str | None = None


class CreditTransaction(OutputModel):
    transaction_id: str
    organization_id: str
    transaction_type: str
    credits_amount: Credits
    balance_after: Credits
    idempotency_key: str
    description: str | None
    created_at: str
    replayed: bool
    balance: CreditBalance


async def handle(ctx: ActionContext, args: GrantCreditsInput) -> CreditTransaction:
    answer = await call_json(
        ctx,
        "select public.grant_credits($1, $2, $3, $4, $5)",
        args.organization_id,
        args.amount,
        args.kind,
        args.idempotency_key,
        args.reason,
    )
    return CreditTransaction.model_validate(answer)


ACTION = Action(
    name="grantCredits",
    input_model=GrantCreditsInput,
    output_model=CreditTransaction,
    handle=handle,
    roles=frozenset(),
    organization_from="input",
)
