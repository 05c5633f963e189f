"""Output object types shared by several actions; each mirrors one type in hasura/metadata/actions.graphql.

Field names are the SQL answer's snake_case keys (docs/credit-core.md); they serialize as camelCase.
"""

from __future__ import annotations

from actions.types import Credits, DecimalText, OutputModel


class CreditBalance(OutputModel):
    available: Credits
    spendable: Credits
    monthly_credits: Credits
    monthly_remaining: Credits
    bonus: Credits
    reserved: Credits
    used_this_period: Credits
    overdraft_limit: Credits
    low_balance_threshold: Credits
    period_start: str | None  # null only for an organization that never had a plan
    period_end: str | None


class AIModel(OutputModel):
    id: str
    unique_name: str
    model_id: str
    name: str
    provider: str
    is_default: bool
    priority: int


class ReservedModel(OutputModel):
    id: str
    unique_name: str
    model_id: str
    name: str
    provider: str


class PlanRef(OutputModel):
    id: str
    unique_name: str
    name: str


class UnlockPlan(OutputModel):
    id: str
    unique_name: str
    name: str
    monthly_ai_credits: int


class RateLimits(OutputModel):
    rpm_limit: int | None
    rpm_used: int | None
    rpd_limit: int | None
    rpd_used: int | None


class _ReservationFields(OutputModel):
    reservation_id: str
    organization_id: str
    status: str
    capability: str
    quality_level: str
    reserved_credits: Credits
    settled_credits: Credits | None
    settled_late: bool
    release_reason: str | None
    idempotency_key: str
    model: ReservedModel
    created_at: str
    expires_at: str
    settled_at: str | None
    released_at: str | None
    expired_at: str | None
    replayed: bool
    balance: CreditBalance


class CreditReservation(_ReservationFields):
    pass


class CreditSettlement(_ReservationFields):
    transaction_id: str | None
    credits_amount: Credits | None
    estimated_credits: Credits | None
    estimation_variance: Credits | None
    balance_after: Credits | None
    provider_request_id: str | None
    input_tokens: int | None
    output_tokens: int | None
    provider_cost_usd: DecimalText | None
    settled_model: str | None
