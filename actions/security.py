"""The shared secret Hasura sends with every action, event and cron call."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from actions.errors import UNAUTHORIZED, ActionError

SECRET_HEADER = "X-Credits-Action-Secret"


def require_secret(request: Request, expected: str) -> None:
    given = request.headers.get(SECRET_HEADER, "")
    # An empty configured secret (dev without one) must not match an empty header.
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ActionError(UNAUTHORIZED, f"missing or wrong {SECRET_HEADER} header", status=401)
