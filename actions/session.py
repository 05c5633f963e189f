"""Hasura session variables: who is calling, for which organization."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actions.errors import FORBIDDEN, ActionError

ROLE = "x-hasura-role"
ORGANIZATION_ID = "x-hasura-organization-id"
USER_ID = "x-hasura-user-id"

ADMIN = "admin"


@dataclass(frozen=True)
class Session:
    role: str | None
    organization_id: str | None
    user_id: str | None

    @classmethod
    def from_variables(cls, variables: Mapping[str, Any] | None) -> Session:
        # Hasura sends lower-case keys; other callers (and older engines) may not, so normalise here once.
        lowered = {str(k).lower(): v for k, v in (variables or {}).items()}

        def text(key: str) -> str | None:
            value = lowered.get(key)
            if value is None:
                return None
            value = str(value).strip()
            return value or None

        return cls(role=text(ROLE), organization_id=text(ORGANIZATION_ID), user_id=text(USER_ID))

    def require_organization(self) -> str:
        if not self.organization_id:
            raise ActionError(FORBIDDEN, f"session variable {ORGANIZATION_ID} is required for this action")
        return self.organization_id
