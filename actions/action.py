"""What an action is: its name, models, who may call it, and the coroutine that runs it.

Authorization lives here, in one place (`Action.authorize`), as defence in depth behind Hasura's own action
permissions: a session Hasura let through with the wrong role is still refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
from pydantic import BaseModel

from actions.errors import FORBIDDEN, ActionError
from actions.metrics import ServiceMetrics
from actions.session import ADMIN, Session
from actions.settings import Settings

END_USER_ROLES = frozenset({"viewer", "member", "org_admin", "owner"})
SERVICE = "service"


@dataclass(frozen=True)
class ActionContext:
    pool: asyncpg.Pool
    session: Session
    # The organization the call acts on: from the session, or (admin-only actions) None and taken from input.
    organization_id: str | None
    request_id: str
    metrics: ServiceMetrics
    settings: Settings


@dataclass(frozen=True)
class Action:
    name: str
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    handle: Callable[[ActionContext, Any], Awaitable[BaseModel]]
    # Roles allowed besides admin (admin may call every action).
    roles: frozenset[str]
    # "session": the org is X-Hasura-Organization-Id (required, also for admin); "input": admin-only actions
    # that name their organization in the input.
    organization_from: Literal["session", "input"] = "session"

    def __post_init__(self) -> None:
        # Trusting an organization id from input is only safe for admin, who may act on any organization.
        if self.organization_from == "input" and self.roles:
            raise ValueError(f"{self.name}: actions that take the organization from input are admin-only")

    def authorize(self, session: Session) -> str | None:
        """The organization to act on, or ActionError(FORBIDDEN)."""
        if session.role is None:
            raise ActionError(FORBIDDEN, "session variable x-hasura-role is required")
        if session.role != ADMIN and session.role not in self.roles:
            raise ActionError(FORBIDDEN, f"role {session.role!r} may not call {self.name}")
        if self.organization_from == "input":
            return None
        return session.require_organization()
