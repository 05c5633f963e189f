"""Bounds on the JSON the service accepts from outside: request bodies and free-form values in them.

A body is parsed with exact decimals (actions.db.loads) and then held to these limits, so that no request
can make the service recurse until the stack breaks, expand a number into a billion digits, or carry an
unbounded document into a ledger row. Every breach is a ValueError with a message saying which limit, which
the endpoints answer as 400 INVALID_INPUT (docs/actions.md § Limits on JSON input).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from actions import db

# Hasura's payloads nest about 6 levels around their input; Stripe events about 8 around their objects.
MAX_BODY_DEPTH = 64
# Longest number literal (digits, sign, point, exponent), and the largest decimal exponent of any number.
# A JSON number beyond IEEE double's range (about 1e308) is not portable (RFC 8259 § 6).
MAX_NUMBER_TEXT = 100
MAX_NUMBER_EXPONENT = 308
# providerMetadata: token counts, latencies, model names; this leaves room for nested usage objects.
MAX_METADATA_DEPTH = 16
MAX_METADATA_BYTES = 16_384


class JsonLimitError(ValueError):
    """JSON that is well-formed but beyond what the service accepts; the message says which limit."""


class BodyTooLarge(ValueError):
    """A request body over CREDITS_MAX_BODY_BYTES."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit` bytes: a chunked upload has no Content-Length to check
    first, and reading it whole before measuring would let one request hold any amount of memory."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"request body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _number(text: str) -> int | Decimal:
    if len(text) > MAX_NUMBER_TEXT:
        raise JsonLimitError(f"a number is longer than {MAX_NUMBER_TEXT} characters")
    is_integer = not any(c in text for c in ".eE")
    number: int | Decimal = int(text) if is_integer else Decimal(text)
    if isinstance(number, Decimal) and number and abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        raise JsonLimitError(f"a number is out of range (beyond 1e±{MAX_NUMBER_EXPONENT})")
    return number


def _reject_constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a JSON number")


def depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value (a scalar is 0, [] is 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_body(body: bytes) -> Any:
    """Decode a request body (exact decimals) within the limits above; ValueError says what is wrong."""
    try:
        value = json.loads(body, parse_float=_number, parse_int=_number, parse_constant=_reject_constant)
    except RecursionError:
        raise JsonLimitError(f"JSON nested deeper than {MAX_BODY_DEPTH} levels") from None
    except JsonLimitError:
        raise
    except ValueError:
        # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8.
        raise ValueError("request body is not valid JSON") from None
    if depth(value) > MAX_BODY_DEPTH:
        raise JsonLimitError(f"JSON nested deeper than {MAX_BODY_DEPTH} levels")
    return value


def check_free_json(
    value: Any, *, max_depth: int = MAX_METADATA_DEPTH, max_bytes: int = MAX_METADATA_BYTES
) -> Any:
    """A free-form JSON value (providerMetadata) within its tighter depth and size; returned unchanged."""
    if depth(value) > max_depth:
        raise JsonLimitError(f"nested deeper than {max_depth} levels")
    try:
        size = len(db.dumps(value).encode())
    except (TypeError, ValueError):
        raise JsonLimitError("is not plain JSON") from None
    if size > max_bytes:
        raise JsonLimitError(f"is larger than {max_bytes} bytes as JSON")
    return value
