"""docs/billing.md stays exact: its SQL error codes are the ones billing migrations raise, and its signed
notification example verifies."""

from __future__ import annotations

import json
import re
from pathlib import Path

from actions.billing.notifications import signature

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "billing.md").read_text()


def test_error_table_lists_exactly_the_codes_billing_sql_raises() -> None:
    raised: set[str] = set()
    for up in sorted((ROOT / "hasura" / "migrations" / "default").glob("17705*/up.sql")):
        raised |= set(re.findall(r"billing_raise\('([A-Z_]+)'", up.read_text()))
    section = DOC.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    documented = {
        row.split("|")[1].strip()
        for row in section.splitlines()
        if row.startswith("| ") and "SQL" in row.split("|")[2]
    }
    assert raised and raised == documented


def test_documented_notification_signature_verifies() -> None:
    block = DOC.split("POST <notification_webhook_url>", 1)[1].split("```", 1)[0]
    header = re.search(r"Credits-Signature: (t=(\d+),v1=[0-9a-f]{64})", block)
    assert header is not None
    body_text = block.split("\n\n", 1)[1]
    body = json.dumps(json.loads(body_text), separators=(",", ":")).encode()
    assert signature("example-secret-0123456789", int(header.group(2)), body) == header.group(1)
