"""A metered AI call with credits_client, against `make up`.

    .venv/bin/python clients/python/examples/metered_call.py

Environment: CREDITS_GRAPHQL_URL (default http://127.0.0.1:8080/v1/graphql; with another
HASURA_GRAPHQL_SERVER_PORT, that port) and CREDITS_JWT_KEY (default: the one `make up` keeps in
.data/secrets.env). The "LLM" is a local fake that answers with made-up token usage.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import httpx
from credits_client import (
    AccessDenied,
    CreditsClient,
    Usage,
    ai_call,
    service_token,
)

URL = os.environ.get("CREDITS_GRAPHQL_URL", "http://127.0.0.1:8080/v1/graphql")


def jwt_key() -> str:
    if key := os.environ.get("CREDITS_JWT_KEY"):
        return key
    secrets = Path(__file__).resolve().parents[3] / ".data" / "secrets.env"
    lines = secrets.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)["CREDITS_JWT_KEY"]


async def fake_llm(model: str, prompt: str) -> tuple[str, Usage]:
    """Stands in for the provider's SDK: an answer and the usage it reports."""
    await asyncio.sleep(0.05)
    usage = Usage(input_tokens=len(prompt.split()) * 40, output_tokens=random.randint(150, 400), model=model)
    return f"[{model}] three follow-up questions about: {prompt}", usage


class DropFirstReserveAnswer(httpx.AsyncBaseTransport):
    """A flaky network: the first answer to reserveCredits is lost after the server committed it."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.dropped = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not self.dropped and b"reserveCredits(" in request.content:
            await response.aread()
            await response.aclose()
            self.dropped = True
            print("  (network) the answer to reserveCredits was lost after the server committed it")
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


async def main() -> None:
    key = jwt_key()

    print("1. A metered call (org_pro, question_generation at fast quality)")
    async with CreditsClient(URL, token_provider=lambda: service_token("org_pro", key)) as credits:
        # --- the application code of one metered call: 4 lines ---
        async with ai_call(credits, "question_generation", "fast") as call:
            answer, usage = await fake_llm(call.model.unique_name, "a customer loved the onboarding")
            settled = await call.settle(usage=usage)
        # ---
        fallbacks = ", ".join(m.unique_name for m in call.fallbacks)
        print(f"  model {call.model.unique_name} (fallbacks: {fallbacks})")
        print(f"  answer: {answer}")
        print(
            f"  usage {usage.input_tokens} in / {usage.output_tokens} out = {settled.provider_cost_usd} USD"
            f" -> {settled.settled_credits} credits charged (held {settled.reserved_credits});"
            f" available now {settled.balance.available}"
        )

    print("2. A denial handled by code (org_free_one asks for enhanced quality)")
    async with CreditsClient(URL, token=service_token("org_free_one", key)) as credits:
        try:
            async with ai_call(credits, "question_generation", "enhanced") as call:
                await fake_llm(call.model.unique_name, "never runs")
        except AccessDenied as denied:
            plans = ", ".join(p.name for p in denied.unlock_plans)
            print(f"  denied: {denied.code} ({denied.message}); upgrade to: {plans}")

    print("3. A retry after a dropped connection")
    flaky = DropFirstReserveAnswer()
    async with CreditsClient(URL, token=service_token("org_pro", key), http_transport=flaky) as credits:
        before = (await credits.check_access("question_generation", "fast")).balance
        async with ai_call(credits, "question_generation", "fast") as call:
            print(f"  retried with the same idempotency key: replayed={call.reservation.replayed}")
            _, usage = await fake_llm(call.model.unique_name, "retry me")
            settled = await call.settle(usage=usage)
        moved = before.available - settled.balance.available
        print(f"  charged {settled.settled_credits} credits; the balance moved by {moved} (once)")


if __name__ == "__main__":
    asyncio.run(main())
