"""How the behaviour tests judge an outcome: Hasura's refusal, and whether any table changed."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Stack
from .database import fingerprint
from .matrix import load

BASE_TABLES = [name for name, t in load().tables.items() if t.kind == "table"]


def refused(response: dict[str, Any], field: str, parent: str) -> str | None:
    """None when `response` is Hasura's refusal of `field` in `parent`, else what happened instead."""
    message = f"field '{field}' not found in type: '{parent}'"
    # A role without a single mutation field has no mutation_root at all.
    accepted = {message, "no mutations exist"} if parent == "mutation_root" else {message}
    errors = response.get("errors") or []
    if "data" not in response and len(errors) == 1:
        if errors[0]["message"] in accepted and errors[0]["extensions"]["code"] == "validation-failed":
            return None
    return f"expected “{message}”, got {json.dumps(response)[:400]}"


async def changed_tables(stack: Stack, before: dict[str, str]) -> list[str]:
    """The tables whose rows differ from `before` (a fingerprint of BASE_TABLES)."""
    after = await fingerprint(stack.db, BASE_TABLES)
    return [t for t in BASE_TABLES if after[t] != before[t]]
