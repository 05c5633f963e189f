"""Numbers and JSON beyond the service's limits are a 400 INVALID_INPUT naming the limit; nothing is written.

The limits (actions/json_limits.py, docs/actions.md § Limits on JSON input): bodies at most 64 levels deep,
number literals at most 100 characters and within 1e±308, providerMetadata at most 16 levels and 16 KiB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from actions.json_limits import MAX_BODY_DEPTH, MAX_METADATA_BYTES, MAX_METADATA_DEPTH

from .helpers import SECRET, SECRET_HEADER, SERVICE_PRO, Hasura, snapshot

HEADERS = {SECRET_HEADER: SECRET, "content-type": "application/json"}
# A refusal must come at once; the old service spent minutes expanding 1e999999999 into an integer.
ANSWER_WITHIN = 10.0


def nested(levels: int, leaf: str = "1") -> str:
    return '{"a":' * levels + leaf + "}" * levels


def settle_body(reservation_id: str, actual: str, metadata: str = "null") -> bytes:
    return (
        f'{{"action": {{"name": "settleCredits"}}, "input": {{"reservationId": "{reservation_id}",'
        f' "actualCredits": {actual}, "providerMetadata": {metadata}}},'
        ' "session_variables": {"x-hasura-role": "service", "x-hasura-organization-id": "org_pro"}}'
    ).encode()


@pytest.fixture(scope="module")
async def over_http(service_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service over real HTTP: a request that hangs the server fails by the client's timeout."""
    async with httpx.AsyncClient(base_url=service_url, timeout=ANSWER_WITHIN) as client:
        yield client


async def post_refused(hasura: Hasura, http: httpx.AsyncClient, path: str, raw: bytes) -> dict[str, Any]:
    """POST raw bytes; expect 400 in Hasura's shape with INVALID_INPUT, and no change in the database."""
    before = await snapshot(hasura.pool)
    response = await http.post(path, content=raw, headers=HEADERS)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert set(payload) == {"message", "extensions"}, payload
    assert payload["extensions"]["code"] == "INVALID_INPUT", payload
    assert await snapshot(hasura.pool) == before, "a refused call changed the database"
    return payload


@pytest.mark.parametrize(
    ("actual", "says"),
    [
        ("1e400", "out of range"),
        ("-1e400", "out of range"),
        ("1e999999999", "out of range"),
        ("1" * 5000, "longer than 100"),
        ("0." + "1" * 5000, "longer than 100"),
        ('"1e400"', "out of range"),
        ("NaN", "NaN is not a JSON number"),
        ("Infinity", "Infinity is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
        ('"NaN"', "decimal number"),
        ('"1_000"', "decimal number"),
        ('"\u0661\u0662"', "decimal number"),
        ('"0x10"', "decimal number"),
    ],
)
async def test_actual_credits_beyond_any_amount_is_invalid_input(
    hasura: Hasura, over_http: httpx.AsyncClient, actual: str, says: str
) -> None:
    reservation = await hasura.reserve()
    payload = await post_refused(
        hasura, over_http, "/actions", settle_body(reservation["reservationId"], actual)
    )
    assert says in payload["message"]


@pytest.mark.parametrize(
    ("metadata", "says"),
    [
        ('{"tokens": 1e999999999}', "out of range"),
        ('{"tokens": 1.5e400}', "out of range"),
        ('{"tokens": 1e-400}', "out of range"),
        ('{"tokens": ' + "9" * 101 + "}", "longer than 100"),
        (nested(500), f"deeper than {MAX_BODY_DEPTH}"),
        ("[" * 100_000 + "]" * 100_000, f"deeper than {MAX_BODY_DEPTH}"),
        (nested(MAX_METADATA_DEPTH + 1), f"deeper than {MAX_METADATA_DEPTH}"),
        ('{"text": "%s"}' % ("x" * MAX_METADATA_BYTES), f"larger than {MAX_METADATA_BYTES}"),
    ],
)
async def test_provider_metadata_beyond_its_limits_is_invalid_input(
    hasura: Hasura, over_http: httpx.AsyncClient, metadata: str, says: str
) -> None:
    reservation = await hasura.reserve()
    payload = await post_refused(
        hasura, over_http, "/actions", settle_body(reservation["reservationId"], '"0.50"', metadata)
    )
    assert says in payload["message"]


async def test_provider_metadata_within_its_limits_is_stored_exactly(hasura: Hasura) -> None:
    reservation = await hasura.reserve()
    metadata = nested(MAX_METADATA_DEPTH - 1, '{"prompt_tokens": 812, "cost": 0.0125, "big": 1e300}')
    response = await hasura.http.post(
        "/actions", content=settle_body(reservation["reservationId"], '"0.50"', metadata), headers=HEADERS
    )
    assert response.status_code == 200, response.text
    async with hasura.pool.acquire() as conn:
        stored = await conn.fetchval(
            "select provider_metadata::text from credit_transactions where reservation_id = $1",
            reservation["reservationId"],
        )
    assert stored is not None and stored.count('{"a": ') == MAX_METADATA_DEPTH - 1
    assert '"cost": 0.0125' in stored and '"prompt_tokens": 812' in stored


DEEP_ARRAYS = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "path", ["/actions", "/events/stripe_event_process", "/cron/expire_credit_reservations"]
)
@pytest.mark.parametrize(
    "raw",
    [DEEP_ARRAYS, nested(MAX_BODY_DEPTH + 1).encode(), b'{"n": 1e999999999}', b'{"n": ' + b"7" * 5000 + b"}"],
    ids=["100k-arrays", "65-objects", "huge-exponent", "5000-digits"],
)
async def test_every_hasura_endpoint_refuses_bodies_beyond_the_limits(
    hasura: Hasura, over_http: httpx.AsyncClient, path: str, raw: bytes
) -> None:
    payload = await post_refused(hasura, over_http, path, raw)
    assert "deeper" in payload["message"] or "number" in payload["message"]


@pytest.mark.parametrize("path", ["/events/stripe_event_process", "/events/credit_notification_deliver"])
async def test_event_text_the_database_cannot_store_is_invalid_input(
    hasura: Hasura, over_http: httpx.AsyncClient, path: str
) -> None:
    """A NUL in an event's row reaches SQL as a parameter; PostgreSQL refuses it (class 22): 400, not 500."""
    raw = (
        b'{"id": "e1", "created_at": "2026-11-23T07:14:21Z", "trigger": {"name": "t"},'
        b' "table": {"schema": "public", "name": "t"},'
        b' "event": {"op": "INSERT", "data": {"old": null, "new": {"id": "evt_\\u0000"}}}}'
    )
    await post_refused(hasura, over_http, path, raw)


async def test_service_session_still_settles_normally(hasura: Hasura) -> None:
    """The limits leave ordinary calls alone: a plain settle with a number amount works."""
    reservation = await hasura.reserve()
    answer = await hasura.ok(
        "settleCredits",
        {"reservationId": reservation["reservationId"], "actualCredits": 0.75, "providerMetadata": {"t": 1}},
        SERVICE_PRO,
    )
    assert answer["creditsAmount"] == "-0.75"


@pytest.mark.parametrize(
    "path", ["/actions", "/events/stripe_event_process", "/cron/expire_credit_reservations"]
)
async def test_a_chunked_body_is_refused_once_it_passes_the_limit(hasura: Hasura, path: str) -> None:
    """Without Content-Length the service must stop reading at the limit, not buffer the whole upload."""
    chunk, sent = b" " * 65_536, 0

    async def upload() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(400):  # 26 MB, far over the 1 MB default
            sent += 1
            yield chunk

    response = await hasura.http.post(path, content=upload(), headers=HEADERS)
    assert response.status_code == 400, response.text
    assert response.json()["extensions"]["code"] == "INVALID_INPUT"
    assert "larger than" in response.json()["message"]
    assert sent * len(chunk) < 2_000_000, f"the service read {sent * len(chunk)} bytes of an oversized body"
