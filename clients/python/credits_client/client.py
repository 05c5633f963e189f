"""`CreditsClient`: the async client on `gql` (httpx for queries and mutations, websockets for subscriptions).

Every operation is retried on transport failures and retryable codes with exponential backoff and full
jitter, within a bounded total time, with exactly the same variables: a reserve carries the same
idempotency key, a settle the same reservation and amount, so a retry can never double-hold or double-charge.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportError, TransportQueryError, TransportServerError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from credits_client import graphql as docs
from credits_client.errors import AccessDenied, CreditsError, TransportFailed, error_from_graphql
from credits_client.models import (
    AccessDecision,
    Balance,
    Reservation,
    Settlement,
    Transaction,
    Usage,
    UsageDay,
)

if TYPE_CHECKING:
    from credits_client.calls import AICall

TokenProvider = Callable[[], str | Awaitable[str]]


def _loads(raw: str | bytes) -> Any:
    # Exact decimals: a JSON number never passes through float.
    return json.loads(raw, parse_float=Decimal)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff with full jitter: attempt n waits uniform(0, min(max_delay, base_delay * 2**n))."""

    attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 5.0
    total_timeout: float = 30.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class _ExactWebsocketsTransport(WebsocketsTransport):
    """graphql-transport-ws with JSON numbers decoded as Decimal, like the HTTP transport."""

    def _parse_answer(self, answer: str) -> Any:
        try:
            json_answer = _loads(answer)
        except ValueError:
            return super()._parse_answer(answer)  # raises gql's protocol error
        if self.subprotocol == self.GRAPHQLWS_SUBPROTOCOL:
            return self._parse_answer_graphqlws(json_answer)
        return self._parse_answer_apollo(json_answer)


def _credits(value: Decimal | int | str | None) -> str | None:
    """An amount as the exact decimal text the Credits scalar takes; floats are refused, never rounded."""
    if value is None:
        return None
    if isinstance(value, float | bool):
        raise TypeError("credit amounts must be Decimal, int or a decimal string, not float")
    return str(value)


def explain_denial(
    exc: AccessDenied, decision: AccessDecision | None, estimate: Decimal | int | str | None
) -> None:
    exc.decision = decision
    exc.requested = Decimal(str(estimate)) if estimate is not None else None


class CreditsClient:
    """Async client for one GraphQL endpoint and one token (or a provider called before every request).

    Use as `async with CreditsClient(url, token=...) as credits:` or call `aclose()` when done.
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        token_provider: TokenProvider | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 10.0,
        http_transport: httpx.AsyncBaseTransport | None = None,
        ws_url: str | None = None,
    ) -> None:
        if (token is None) == (token_provider is None):
            raise ValueError("give exactly one of token and token_provider")
        self.url = url
        self.ws_url = ws_url or url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        self.retry = retry or RetryPolicy()
        self._token = token
        self._token_provider = token_provider
        extra: dict[str, Any] = {"timeout": timeout}
        if http_transport is not None:
            extra["transport"] = http_transport
        self._gql = Client(
            transport=HTTPXAsyncTransport(url, json_deserialize=_loads, **extra),
            fetch_schema_from_transport=False,
        )
        self._session: AsyncClientSession | None = None
        self._connecting = asyncio.Lock()

    async def __aenter__(self) -> CreditsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._session is not None:
            self._session = None
            await self._gql.close_async()

    async def token(self) -> str:
        if self._token is not None:
            return self._token
        assert self._token_provider is not None
        value = self._token_provider()
        return await value if inspect.isawaitable(value) else value

    # --- executing one operation ------------------------------------------------------------------------

    async def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one GraphQL operation; retried as the RetryPolicy says; a failure is a typed CreditsError."""
        deadline = time.monotonic() + self.retry.total_timeout
        attempt = 0
        while True:
            try:
                return await self._execute_once(document, variables or {})
            except CreditsError as exc:
                attempt += 1
                delay = self.retry.delay(attempt)
                if not exc.retryable or attempt >= self.retry.attempts or time.monotonic() + delay > deadline:
                    raise
                await asyncio.sleep(delay)

    async def _connected(self) -> AsyncClientSession:
        async with self._connecting:
            if self._session is None:
                self._session = await self._gql.connect_async()
            return self._session

    async def _execute_once(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        session = await self._connected()
        request_id = uuid.uuid4().hex
        headers = {"Authorization": f"Bearer {await self.token()}", "X-Request-Id": request_id}
        request = GraphQLRequest(document, variable_values=variables)
        try:
            return await session.execute(request, extra_args={"headers": headers})
        except TransportQueryError as exc:
            errors = exc.errors or [{"message": str(exc)}]
            raise error_from_graphql(errors[0], request_id) from None
        except TransportServerError as exc:
            failed = TransportFailed(str(exc), request_id=request_id)
            failed.retryable = exc.code is None or exc.code >= 500 or exc.code == 429
            raise failed from exc
        except (TransportError, httpx.HTTPError, OSError) as exc:
            # Connection refused or dropped, timeouts, a garbled answer: the operation may or may not have
            # run, which is why every mutation is idempotent and retried with the same variables.
            raise TransportFailed(f"{type(exc).__name__}: {exc}", request_id=request_id) from exc

    # --- access, reserve, settle, release -----------------------------------------------------------------

    async def check_access(self, capability: str, quality_level: str) -> AccessDecision:
        """May the token's organization use `capability` at `quality_level` now? A denial is an answer."""
        data = await self.execute(
            docs.ACCESS_CHECK, {"capability": capability, "qualityLevel": quality_level}
        )
        return AccessDecision.model_validate(data["aiAccessCheck"])

    async def reserve(
        self,
        capability: str,
        quality_level: str,
        *,
        idempotency_key: str | None = None,
        estimate: Decimal | int | str | None = None,
        ttl: int | None = None,
    ) -> Reservation:
        """Hold credits for one call. A denial raises its AccessDenied subclass, with `decision` filled in."""
        key = idempotency_key or f"cc-{uuid.uuid4().hex}"
        try:
            return await self.execute_reserve(capability, quality_level, key, estimate, ttl)
        except AccessDenied as exc:
            # The denial's context (unlock plans, balance): one more read, only when denied.
            try:
                decision = await self.check_access(capability, quality_level)
            except CreditsError:
                decision = None
            explain_denial(exc, decision, estimate)
            raise

    async def execute_reserve(
        self,
        capability: str,
        quality_level: str,
        idempotency_key: str,
        estimate: Decimal | int | str | None = None,
        ttl: int | None = None,
    ) -> Reservation:
        """reserveCredits alone (no denial context): what `reserve` and `ai_call` build on."""
        variables = {
            "capability": capability,
            "qualityLevel": quality_level,
            "idempotencyKey": idempotency_key,
            "estimatedCredits": _credits(estimate),
            "ttlSeconds": ttl,
        }
        data = await self.execute(docs.RESERVE, variables)
        return Reservation.model_validate(data["reserveCredits"])

    async def settle(
        self,
        reservation_id: str,
        *,
        credits: Decimal | int | str | None = None,
        usage: Usage | None = None,
        provider_request_id: str | None = None,
        provider_metadata: dict[str, Any] | None = None,
    ) -> Settlement:
        """Charge a reservation once: an amount (`credits`) or token `usage` priced by the server."""
        if (credits is None) == (usage is None):
            raise ValueError("give exactly one of credits and usage")
        variables = {
            "reservationId": reservation_id,
            "actualCredits": _credits(credits),
            "usage": usage.model_dump(by_alias=True) if usage else None,
            "providerRequestId": provider_request_id,
            "providerMetadata": provider_metadata,
        }
        data = await self.execute(docs.SETTLE, variables)
        return Settlement.model_validate(data["settleCredits"])

    async def release(self, reservation_id: str, reason: str) -> Reservation:
        """Give a hold back (the call failed or was not made). Releasing twice is a success."""
        data = await self.execute(docs.RELEASE, {"reservationId": reservation_id, "reason": reason})
        return Reservation.model_validate(data["releaseCredits"])

    # --- reads (roles with table access: viewer, member, org_admin, owner) ----------------------------------

    async def balance(self) -> Balance:
        data = await self.execute(docs.BALANCE)
        rows = data["organization_credit_balances"]
        if not rows:
            raise CreditsError("no balance visible to this token (reads need an organization role)")
        return Balance.model_validate(rows[0])

    async def transactions(
        self, *, limit: int = 50, offset: int = 0, transaction_type: str | None = None
    ) -> list[Transaction]:
        """Ledger rows, newest first."""
        where = {"transaction_type": {"_eq": transaction_type}} if transaction_type else {}
        data = await self.execute(docs.TRANSACTIONS, {"limit": limit, "offset": offset, "where": where})
        return [Transaction.model_validate(row) for row in data["credit_transactions"]]

    async def usage(self, *, since: date | None = None, until: date | None = None) -> list[UsageDay]:
        """Consumption per UTC day, capability, quality level and model, oldest day first."""
        day: dict[str, str] = {}
        if since:
            day["_gte"] = since.isoformat()
        if until:
            day["_lte"] = until.isoformat()
        data = await self.execute(docs.USAGE, {"where": {"day": day} if day else {}})
        return [UsageDay.model_validate(row) for row in data["credit_usage_daily"]]

    async def watch_balance(self) -> AsyncIterator[Balance]:
        """The live balance: the current value, then each change (a graphql-transport-ws subscription)."""
        transport = _ExactWebsocketsTransport(
            url=self.ws_url,
            init_payload={"headers": {"Authorization": f"Bearer {await self.token()}"}},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport, fetch_schema_from_transport=False) as session:
            try:
                async for data in session.subscribe(GraphQLRequest(docs.WATCH_BALANCE)):
                    rows = data["organization_credit_balances"]
                    if rows:
                        yield Balance.model_validate(rows[0])
            except TransportQueryError as exc:
                raise error_from_graphql((exc.errors or [{"message": str(exc)}])[0]) from None
            except (TransportError, OSError) as exc:
                # The subscription ended under us (network, server restart, the token expired): the caller
                # decides whether to watch again.
                raise TransportFailed(f"{type(exc).__name__}: {exc}") from exc

    def ai_call(
        self,
        capability: str,
        quality_level: str,
        *,
        estimate: Decimal | int | str | None = None,
        idempotency_key: str | None = None,
        ttl: int | None = None,
    ) -> AbstractAsyncContextManager[AICall]:
        """`credits_client.ai_call` with this client: `async with credits.ai_call(...) as call:`."""
        from credits_client.calls import ai_call

        return ai_call(
            self, capability, quality_level, estimate=estimate, idempotency_key=idempotency_key, ttl=ttl
        )
