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


def from_db_error(exc: asyncpg.PostgresError) -> ActionError | None:
    """The ActionError for an expected SQL failure (CR001), else None (the caller re-raises)."""
    if getattr(exc, "sqlstate", None) != CREDITS_SQLSTATE:
        return None
    code = (getattr(exc, "detail", None) or "").strip() or INTERNAL_ERROR
    return ActionError(code, getattr(exc, "message", None) or str(exc))
