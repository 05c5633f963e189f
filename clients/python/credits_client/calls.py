"""`ai_call`: reserve before an AI call, settle after it, release when it fails (executeWithAIAccess).

    async with ai_call(credits, "question_generation", "fast") as call:
        answer = await llm(model=call.model.model_id, ...)
        await call.settle(usage=Usage(input_tokens=..., output_tokens=..., model=call.model.unique_name))

An exception inside the block releases the hold (reason: the exception's type) and propagates; leaving the
block without settling releases too, with an `UnsettledCallWarning`. The reserve and the access check (for the
fallback models and a denial's context) run concurrently: one round trip of latency.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeVar

from credits_client.client import CreditsClient, explain_denial
from credits_client.errors import AccessDenied, CreditsError
from credits_client.models import AccessDecision, ModelChoice, Reservation, Settlement, Usage

log = logging.getLogger("credits_client")
T = TypeVar("T")


class UnsettledCallWarning(UserWarning):
    """An ai_call block ended without settle(): its hold was released, nothing was charged."""


class AICall:
    """One metered AI call in progress: the reservation, the model to use and its fallbacks."""

    def __init__(
        self, client: CreditsClient, reservation: Reservation, decision: AccessDecision | None
    ) -> None:
        self.client = client
        self.reservation = reservation
        self.decision = decision
        self.settlement: Settlement | None = None

    @property
    def model(self) -> ModelChoice:
        return self.reservation.model

    @property
    def fallbacks(self) -> list[ModelChoice]:
        """The plan's other models for this capability and level, in priority order (any may settle)."""
        if self.decision is None:
            return []
        return [m for m in self.decision.models if m.id != self.model.id]

    @property
    def reservation_id(self) -> str:
        return self.reservation.reservation_id

    async def settle(
        self,
        *,
        usage: Usage | None = None,
        credits: Decimal | int | str | None = None,
        provider_request_id: str | None = None,
        provider_metadata: dict[str, Any] | None = None,
    ) -> Settlement:
        self.settlement = await self.client.settle(
            self.reservation_id,
            usage=usage,
            credits=credits,
            provider_request_id=provider_request_id,
            provider_metadata=provider_metadata,
        )
        return self.settlement


async def _release(call: AICall, reason: str) -> None:
    try:
        # Shielded: a cancelled task must still give its hold back (the server expires it otherwise).
        await asyncio.shield(call.client.release(call.reservation_id, reason))
    except CreditsError as exc:
        log.warning("could not release reservation %s: %s", call.reservation_id, exc)


@asynccontextmanager
async def ai_call(
    client: CreditsClient,
    capability: str,
    quality_level: str,
    *,
    estimate: Decimal | int | str | None = None,
    idempotency_key: str | None = None,
    ttl: int | None = None,
) -> AsyncIterator[AICall]:
    """Reserve for one AI call and make sure it ends settled or released. Denials raise AccessDenied."""
    key = idempotency_key or f"cc-{uuid.uuid4().hex}"
    reserving = client.execute_reserve(capability, quality_level, key, estimate, ttl)
    checking = client.check_access(capability, quality_level)
    reservation, decision = await asyncio.gather(reserving, checking, return_exceptions=True)
    if isinstance(reservation, BaseException):
        if isinstance(reservation, AccessDenied):
            explain_denial(reservation, decision if isinstance(decision, AccessDecision) else None, estimate)
        raise reservation
    call = AICall(client, reservation, decision if isinstance(decision, AccessDecision) else None)
    try:
        yield call
    except BaseException as exc:
        if call.settlement is None:
            await _release(call, type(exc).__name__)
        raise
    if call.settlement is None:
        warnings.warn(
            f"ai_call for {capability}/{quality_level} ended without settle(); its hold was released",
            UnsettledCallWarning,
            stacklevel=3,
        )
        await _release(call, "left unsettled")


async def execute_with_ai_access(
    client: CreditsClient,
    capability: str,
    quality_level: str,
    fn: Callable[[AICall], Awaitable[T]],
    *,
    estimate: Decimal | int | str | None = None,
    idempotency_key: str | None = None,
    ttl: int | None = None,
) -> T:
    """`fn(call)` inside `ai_call`: it makes the AI call and settles; its result is returned."""
    async with ai_call(
        client, capability, quality_level, estimate=estimate, idempotency_key=idempotency_key, ttl=ttl
    ) as call:
        return await fn(call)
