"""What the API answers and what a settle sends, as pydantic models. Credits are `Decimal`, never float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt, field_validator
from pydantic.alias_generators import to_camel


def _no_float(value: Any) -> Any:
    # JSON numbers are decoded as Decimal (never float); a float here would already have lost digits.
    if isinstance(value, float):
        raise ValueError("credit amounts must be exact decimals, not floats")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class Balance(_Model):
    available: Decimal
    spendable: Decimal
    monthly_credits: Decimal
    monthly_remaining: Decimal
    bonus: Decimal
    reserved: Decimal
    used_this_period: Decimal
    overdraft_limit: Decimal
    low_balance_threshold: Decimal
    period_start: datetime | None = None
    period_end: datetime | None = None

    _exact = field_validator(
        "available", "spendable", "monthly_credits", "bonus", "reserved", "used_this_period", mode="before"
    )(_no_float)


class ModelChoice(_Model):
    """An LLM model the call may use: the default first, then fallbacks by priority."""

    id: str
    unique_name: str
    model_id: str
    name: str
    provider: str
    is_default: bool = False
    priority: int = 0


class UnlockPlan(_Model):
    id: str
    unique_name: str
    name: str
    monthly_ai_credits: int


class RateLimits(_Model):
    rpm_limit: int | None
    rpm_used: int | None
    rpd_limit: int | None
    rpd_used: int | None


class AccessDecision(_Model):
    """The answer of `check_access`: a denial is a normal answer (allowed=False, reason = the code)."""

    allowed: bool
    reason: str | None
    message: str
    capability: str
    quality_level: str
    estimated_credits: Decimal | None
    requested_credits: Decimal | None
    balance: Balance
    models: list[ModelChoice]
    rate_limits: RateLimits
    allowed_quality_levels: list[str]
    unlock_plans: list[UnlockPlan]

    @property
    def model(self) -> ModelChoice | None:
        return self.models[0] if self.models else None

    @property
    def fallbacks(self) -> list[ModelChoice]:
        return self.models[1:]

    @property
    def retry_after(self) -> float | None:
        """Seconds until a rate-limit denial surely clears (its rolling window); None for other answers."""
        return {"RATE_LIMIT_MINUTE": 60.0, "RATE_LIMIT_DAY": 86400.0}.get(self.reason or "")


class Reservation(_Model):
    reservation_id: str
    organization_id: str
    status: str
    capability: str
    quality_level: str
    reserved_credits: Decimal
    settled_credits: Decimal | None
    idempotency_key: str
    model: ModelChoice
    created_at: datetime
    expires_at: datetime
    replayed: bool
    balance: Balance


class Settlement(Reservation):
    transaction_id: str | None
    credits_amount: Decimal | None
    balance_after: Decimal | None
    input_tokens: int | None
    output_tokens: int | None
    provider_cost_usd: Decimal | None
    settled_model: str | None


class Usage(_Model):
    """Token usage as the provider reported it; the server prices it from the model's list prices."""

    input_tokens: StrictInt
    output_tokens: StrictInt
    model: str


class Transaction(BaseModel):
    """One ledger row (the end-user roles' columns)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    transaction_type: str
    credits_amount: Decimal
    balance_after: Decimal
    estimated_credits: Decimal | None = None
    ai_capability_id: str | None = None
    quality_level_id: str | None = None
    llm_model_id: str | None = None
    reservation_id: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    description: str | None = None
    created_at: datetime


class UsageDay(BaseModel):
    """One row of credit_usage_daily: an organization's consumption per UTC day, capability, level, model."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    day: date
    ai_capability_id: str | None
    quality_level_id: str | None
    llm_model_id: str | None
    operations: int
    credits: Decimal
    input_tokens: int
    output_tokens: int
