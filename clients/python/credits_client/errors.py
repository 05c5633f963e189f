"""Typed exceptions: one class per stable error code, all under `CreditsError`.

The credit codes are those of docs/credit-core.md's error table (a contract test keeps `CREDIT_CODES` equal to
it); the service's own codes are those of docs/actions.md. A code this client does not know becomes a plain
`CreditsError` carrying it, so a newer server never breaks an older client.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credits_client.models import AccessDecision, UnlockPlan


class CreditsError(Exception):
    """A failure the server reported (or the client gave up on), with its stable code."""

    code: str = "UNKNOWN"
    # Safe to send again with the same arguments (and idempotency key): the client does so itself.
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.request_id = request_id
        self.extensions = extensions or {}

    def __str__(self) -> str:
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.code}: {self.message}{suffix}"


class AccessDenied(CreditsError):
    """The organization may not make this AI call now. `decision` is the access check that explains why;
    `requested` the amount the reserve asked for (None: the capability's estimate)."""

    decision: AccessDecision | None = None
    requested: Decimal | None = None

    @property
    def unlock_plans(self) -> list[UnlockPlan]:
        return list(self.decision.unlock_plans) if self.decision else []


# --- access denials (reserve raises them; the access check answers them as allowed=false) -------------------
class CapabilityUnknown(AccessDenied):
    code = "CAPABILITY_UNKNOWN"


class QualityLevelUnknown(AccessDenied):
    code = "QUALITY_LEVEL_UNKNOWN"


class NoActivePlan(AccessDenied):
    code = "NO_ACTIVE_PLAN"


class CapabilityNotInPlan(AccessDenied):
    code = "CAPABILITY_NOT_IN_PLAN"


class CapabilityDisabled(AccessDenied):
    code = "CAPABILITY_DISABLED"


class QualityLevelNotAllowed(AccessDenied):
    code = "QUALITY_LEVEL_NOT_ALLOWED"


class NoModelAvailable(AccessDenied):
    code = "NO_MODEL_AVAILABLE"


class RateLimited(AccessDenied):
    """`retry_after`: seconds after which the rolling window has surely moved on (an upper bound)."""

    window_seconds = 60

    @property
    def retry_after(self) -> float:
        value = self.extensions.get("retryAfter") or self.extensions.get("retry_after")
        return float(value) if value is not None else float(self.window_seconds)


class RateLimitMinute(RateLimited):
    code = "RATE_LIMIT_MINUTE"
    window_seconds = 60


class RateLimitDay(RateLimited):
    code = "RATE_LIMIT_DAY"
    window_seconds = 86400


class InsufficientCredits(AccessDenied):
    code = "INSUFFICIENT_CREDITS"

    @property
    def spendable(self) -> Decimal | None:
        return self.decision.balance.spendable if self.decision else None

    @property
    def required(self) -> Decimal | None:
        if self.requested is not None:
            return self.requested
        return self.decision.requested_credits if self.decision else None


# --- the rest of the credit codes -------------------------------------------------------------------------
class OrganizationNotFound(CreditsError):
    code = "ORGANIZATION_NOT_FOUND"


class ReservationNotFound(CreditsError):
    code = "RESERVATION_NOT_FOUND"


class ReservationReleased(CreditsError):
    code = "RESERVATION_RELEASED"


class ReservationAlreadySettled(CreditsError):
    code = "RESERVATION_ALREADY_SETTLED"


class ReservationNotPending(CreditsError):
    code = "RESERVATION_NOT_PENDING"


class IdempotencyKeyReused(CreditsError):
    code = "IDEMPOTENCY_KEY_REUSED"


class InvalidAmount(CreditsError):
    code = "INVALID_AMOUNT"


class InvalidArgument(CreditsError):
    code = "INVALID_ARGUMENT"


class PlanNotFound(CreditsError):
    code = "PLAN_NOT_FOUND"


class PlanUnchanged(CreditsError):
    code = "PLAN_UNCHANGED"


class SettleCeilingExceeded(CreditsError):
    code = "SETTLE_CEILING_EXCEEDED"


class ModelUnknown(CreditsError):
    code = "MODEL_UNKNOWN"


class ModelNotAllowed(CreditsError):
    code = "MODEL_NOT_ALLOWED"


class ModelPriceMissing(CreditsError):
    code = "MODEL_PRICE_MISSING"


# --- the service's and the engine's codes -------------------------------------------------------------------
class InvalidInput(CreditsError):
    code = "INVALID_INPUT"


class Forbidden(CreditsError):
    code = "FORBIDDEN"


class Unauthorized(CreditsError):
    code = "UNAUTHORIZED"


class UnknownAction(CreditsError):
    code = "UNKNOWN_ACTION"


class InternalError(CreditsError):
    code = "INTERNAL_ERROR"


class DatabaseUnavailable(CreditsError):
    code = "DATABASE_UNAVAILABLE"
    retryable = True


class ValidationFailed(CreditsError):
    """The engine refused the GraphQL document (an unknown field, a wrong type, a role without access)."""

    code = "validation-failed"


class InvalidToken(CreditsError):
    code = "invalid-jwt"


class TransportFailed(CreditsError):
    """The server could not be reached (or answered garbage) within the retry budget."""

    code = "TRANSPORT_FAILED"
    retryable = True


CREDIT_ERRORS: tuple[type[CreditsError], ...] = (
    CapabilityUnknown,
    QualityLevelUnknown,
    NoActivePlan,
    CapabilityNotInPlan,
    CapabilityDisabled,
    QualityLevelNotAllowed,
    NoModelAvailable,
    RateLimitMinute,
    RateLimitDay,
    InsufficientCredits,
    OrganizationNotFound,
    ReservationNotFound,
    ReservationReleased,
    ReservationAlreadySettled,
    ReservationNotPending,
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidArgument,
    PlanNotFound,
    PlanUnchanged,
    SettleCeilingExceeded,
    ModelUnknown,
    ModelNotAllowed,
    ModelPriceMissing,
)
SERVICE_ERRORS: tuple[type[CreditsError], ...] = (
    InvalidInput,
    Forbidden,
    Unauthorized,
    UnknownAction,
    InternalError,
    DatabaseUnavailable,
    ValidationFailed,
    InvalidToken,
)
# The credit codes of docs/credit-core.md's table, exactly.
CREDIT_CODES: frozenset[str] = frozenset(cls.code for cls in CREDIT_ERRORS)
# Hasura-style aliases some engines use for the same conditions.
_ALIASES: dict[str, type[CreditsError]] = {
    "postgres-error": DatabaseUnavailable,
    "invalid-headers": InvalidToken,
    "access-denied": Forbidden,
}
ERRORS_BY_CODE: dict[str, type[CreditsError]] = {
    **{cls.code: cls for cls in (*CREDIT_ERRORS, *SERVICE_ERRORS)},
    **_ALIASES,
}


def error_from_graphql(error: dict[str, Any], request_id: str | None = None) -> CreditsError:
    """The typed exception for one GraphQL error object ({"message", "extensions": {"code", ...}})."""
    extensions = error.get("extensions") or {}
    code = str(extensions.get("code") or "UNKNOWN")
    message = str(error.get("message") or code)
    request_id = extensions.get("request_id") or extensions.get("requestId") or request_id
    cls = ERRORS_BY_CODE.get(code, CreditsError)
    exc = cls(message, code=code, request_id=request_id, extensions=extensions)
    if extensions.get("retryable") is True:
        exc.retryable = True
    return exc
