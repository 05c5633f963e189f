"""Every raw handler request in docs/actions.md is runnable and succeeds against the seeded database."""

from __future__ import annotations

import json
import re
from pathlib import Path

from actions.registry import ACTIONS

from .helpers import SECRET, SECRET_HEADER, Hasura

DOC = Path(__file__).resolve().parents[2] / "docs" / "actions.md"
RAW = re.compile(r"curl -s \$SERVICE/actions [^\n]*-d '(\{.*?\})'", re.DOTALL)
# Billing documents its own action (docs/billing.md); it needs Stripe.
DOCUMENTED_ELSEWHERE = {"createTopupCheckout"}


def examples() -> list[dict]:
    return [json.loads(body) for body in RAW.findall(DOC.read_text())]


def test_every_action_has_a_raw_example() -> None:
    documented = {example["action"]["name"] for example in examples()}
    assert documented == set(ACTIONS) - DOCUMENTED_ELSEWHERE
    for name in documented:
        assert f"{name}(" in DOC.read_text(), f"no GraphQL example for {name}"


async def test_raw_examples_succeed(hasura: Hasura) -> None:
    reservation_ids: list[str] = []
    for example in examples():
        if example["input"].get("reservationId") == "<id>":
            fresh = await hasura.reserve("org_pro")
            example["input"]["reservationId"] = fresh["reservationId"]
        response = await hasura.http.post("/actions", json=example, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200, (example["action"]["name"], response.text)
        if "reservationId" in response.json():
            reservation_ids.append(response.json()["reservationId"])
    assert reservation_ids
