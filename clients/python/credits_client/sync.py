"""A blocking wrapper for scripts: the async client runs on an event loop in a background thread.

with SyncCreditsClient(url, token=...) as credits:
    with credits.ai_call("question_generation", "fast") as call:
        ...
        call.settle(usage=Usage(...))
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from credits_client.calls import AICall, ai_call
from credits_client.client import CreditsClient
from credits_client.models import (
    AccessDecision,
    Balance,
    ModelChoice,
    Reservation,
    Settlement,
    Transaction,
    Usage,
    UsageDay,
)

T = TypeVar("T")


class SyncAICall:
    """The blocking face of an `AICall`."""

    def __init__(self, call: AICall, run: Callable[[Coroutine[Any, Any, Any]], Any]) -> None:
        self._call = call
        self._run = run

    @property
    def model(self) -> ModelChoice:
        return self._call.model

    @property
    def fallbacks(self) -> list[ModelChoice]:
        return self._call.fallbacks

    @property
    def reservation(self) -> Reservation:
        return self._call.reservation

    @property
    def settlement(self) -> Settlement | None:
        return self._call.settlement

    def settle(
        self,
        *,
        usage: Usage | None = None,
        credits: Decimal | int | str | None = None,
        provider_request_id: str | None = None,
        provider_metadata: dict[str, Any] | None = None,
    ) -> Settlement:
        result: Settlement = self._run(
            self._call.settle(
                usage=usage,
                credits=credits,
                provider_request_id=provider_request_id,
                provider_metadata=provider_metadata,
            )
        )
        return result


class SyncCreditsClient:
    """`CreditsClient` with blocking methods (same arguments). Close it (or use `with`) to stop its thread."""

    def __init__(self, url: str, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="credits-client", daemon=True)
        self._thread.start()
        self.client: CreditsClient = self._run(self._make(url, options))

    @staticmethod
    async def _make(url: str, options: dict[str, Any]) -> CreditsClient:
        return CreditsClient(url, **options)  # created on the loop that will use it

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def __enter__(self) -> SyncCreditsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._loop.is_running():
            self._run(self.client.aclose())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def check_access(self, capability: str, quality_level: str) -> AccessDecision:
        return self._run(self.client.check_access(capability, quality_level))

    def reserve(self, capability: str, quality_level: str, **options: Any) -> Reservation:
        return self._run(self.client.reserve(capability, quality_level, **options))

    def settle(self, reservation_id: str, **options: Any) -> Settlement:
        return self._run(self.client.settle(reservation_id, **options))

    def release(self, reservation_id: str, reason: str) -> Reservation:
        return self._run(self.client.release(reservation_id, reason))

    def balance(self) -> Balance:
        return self._run(self.client.balance())

    def transactions(self, **options: Any) -> list[Transaction]:
        return self._run(self.client.transactions(**options))

    def usage(self, *, since: date | None = None, until: date | None = None) -> list[UsageDay]:
        return self._run(self.client.usage(since=since, until=until))

    @contextmanager
    def ai_call(self, capability: str, quality_level: str, **options: Any) -> Iterator[SyncAICall]:
        """The blocking `ai_call`: release on an exception or when left unsettled, as the async one."""
        manager = ai_call(self.client, capability, quality_level, **options)
        call = self._run(manager.__aenter__())
        try:
            yield SyncAICall(call, self._run)
        except BaseException as exc:
            if not self._run(manager.__aexit__(type(exc), exc, exc.__traceback__)):
                raise
        else:
            self._run(manager.__aexit__(None, None, None))

    def execute_with_ai_access(
        self, capability: str, quality_level: str, fn: Callable[[SyncAICall], T], **options: Any
    ) -> T:
        with self.ai_call(capability, quality_level, **options) as call:
            return fn(call)
