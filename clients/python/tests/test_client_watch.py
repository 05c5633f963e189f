"""watch_balance(): the live balance over graphql-transport-ws."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from conftest import Stack
from credits_client import Usage, ai_call


async def test_watch_balance_yields_the_balance_then_the_one_after_a_settle(stack: Stack, org: str) -> None:
    async with stack.client(org, "viewer") as viewer, stack.client(org) as credits:
        updates = viewer.watch_balance()
        first = await asyncio.wait_for(anext(updates), 30)
        assert first.used_this_period == 0
        async with ai_call(credits, "question_generation", "fast") as call:
            await call.settle(
                usage=Usage(input_tokens=10000, output_tokens=2000, model=call.model.unique_name)
            )
        # Holding 1.00 may show first (reserved); the settled balance follows.
        while True:
            balance = await asyncio.wait_for(anext(updates), 30)
            if balance.used_this_period:
                break
        await updates.aclose()
    assert balance.used_this_period == Decimal("2.70")  # (10000 x 0.15 + 2000 x 0.60) / 1e6 x 1000
    assert balance.available == first.available - Decimal("2.70") and balance.reserved == 0
