"""The one place where failures become Hasura action errors.

SQL raises expected failures as SQLSTATE CR001 with DETAIL = a stable code word (docs/credit-core.md);
`from_db_error` turns them into `ActionError`, and the app renders every `ActionError` as Hasura's 4xx
contract `{"message", "extensions": {"code"}}`. Anything else is unexpected: logged with the request id,
answered with a generic 500 (see middleware.py).
"""

from __future__ import annotations

from typing import Any

import asyncpg

CREDITS_SQLSTATE = "CR001"

# Codes the service itself produces (the SQL codes are listed in docs/credit-core.md).
UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
INVALID_INPUT = "INVALID_INPUT"
UNKNOWN_ACTION = "UNKNOWN_ACTION"
NOT_FOUND = "NOT_FOUND"
INTERNAL_ERROR = "INTERNAL_ERROR"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"

# Server shutting down, crashed or starting (57P01..57P03) and no connection slot left (53300): the database
# is there but cannot serve now. Connection errors (class 08) are asyncpg.PostgresConnectionError.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
RETRY_AFTER_SECONDS = 5


class ActionError(Exception):
    """An expected failure with a stable code; rendered as HTTP `status` (400 unless said otherwise)."""

    def __init__(self, code: str, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        # Hasura passes `extensions` through verbatim, so the code must live inside it.
        return {"message": self.message, "extensions": {"code": self.code, **self.extra}}


class RetryLater(Exception):
    """Raised by an event/cron handler that wants Hasura to redeliver after `seconds` (503 + Retry-After)."""

    def __init__(self, message: str, seconds: int = 10) -> None:
        super().__init__(message)
        self.seconds = seconds


class DatabaseUnavailable(Exception):
    """A new database connection failed at the network level (refused, unreachable, timed out)."""


def unexpected_as_action_error(exc: Exception, kind: str) -> ActionError | None:
    """What an exception no handler expected means for the caller, when it means more than "a bug".

    The database being away is not a bug: DATABASE_UNAVAILABLE, retryable. The call was one transaction, so
    it either committed or left nothing; the caller retries with the same idempotency key and gets the first
    answer (replayed) or a fresh one. Its status is 503, except to an action (`kind` "action"): Hasura turns
    any 5xx from an action handler into `internal error` / `unexpected` and drops its extensions
    (hasura-contract.md § 5.3), so there it is a 400 like every other action error, and the code reaches the
    client. Hasura retries an event or cron delivery on any non-2xx, Stripe a webhook.

    A data exception (SQLSTATE class 22) means a value reached SQL that it cannot store (Hasura answers these
    as `data-exception`): 400, nothing was written.
    """
    if isinstance(exc, DatabaseUnavailable | asyncpg.PostgresConnectionError) or (
        isinstance(exc, asyncpg.PostgresError) and getattr(exc, "sqlstate", None) in _UNAVAILABLE_SQLSTATES
    ):
        return ActionError(
            DATABASE_UNAVAILABLE,
            "the database is unavailable; retry with the same idempotency key",
            status=400 if kind == "action" else 503,
            retryable=True,
        )
    if isinstance(exc, asyncpg.DataError):
        return ActionError(
            INVALID_INPUT, f"a value in the request cannot be stored (SQLSTATE {exc.sqlstate})", status=400
        )
    return None


def from_db_error(exc: asyncpg.PostgresError) -> ActionError | None:
    """The ActionError for an expected SQL failure (CR001), else None (the caller re-raises)."""
    if getattr(exc, "sqlstate", None) != CREDITS_SQLSTATE:
        return None
    code = (getattr(exc, "detail", None) or "").strip() or INTERNAL_ERROR
    return ActionError(code, getattr(exc, "message", None) or str(exc))
