"""Request bodies: JSON read with bounds on size, nesting and numbers, so no body can exhaust the engine.

Python's decoder recurses per nesting level (a body of 100k nested arrays raised RecursionError, an HTTP 500
in plain text) and reads `1e400` as infinity, which no JSON encoder writes back (the action proxy failed on
it). Every body and WebSocket message goes through `loads`; what it refuses is a client error in Hasura's
shape (`invalid-json`, or `validation-failed` for a number out of range), never a 500.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from starlette.requests import Request

from gqlengine.graphql.compile import GQLError

# A GraphQL request is a few KB; the largest this project sends (the dashboard, a batch of ten) is under
# 20 KB. Metadata and run_sql bodies (admin only) carry whole exports and migrations.
MAX_GRAPHQL_BODY_BYTES = int(os.environ.get("GQLENGINE_MAX_BODY_BYTES", str(1024 * 1024)))
MAX_ADMIN_BODY_BYTES = 64 * 1024 * 1024
# Deep enough for any `where` or JSON value a client means; far below Python's recursion limit (1000).
MAX_JSON_DEPTH = 128

INVALID_JSON = "Error in $: Failed reading: not a valid json value"


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body exceeds the limit of {limit} bytes")
        self.limit = limit


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python's extension, not JSON


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise GQLError(f"the number {text[:40]} is out of range (beyond a 64-bit float)", "validation-failed")
    return value


def depth(value: Any) -> int:
    """How deeply containers nest in a decoded JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in node if isinstance(child, dict | list))
    return deepest


def nested_too_deeply() -> GQLError:
    return GQLError(f"Error in $: JSON nested more than {MAX_JSON_DEPTH} levels deep", "invalid-json")


def loads(raw: bytes | str) -> Any:
    """A JSON text as Python values; refuses malformed JSON, NaN/Infinity, non-finite numbers and nesting
    deeper than MAX_JSON_DEPTH with a GQLError."""
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError as exc:  # the decoder's own limit, far deeper than ours
        raise nested_too_deeply() from exc
    except ValueError as exc:  # also an integer of more than 4300 digits
        raise GQLError(INVALID_JSON, "invalid-json") from exc
    if depth(value) > MAX_JSON_DEPTH:
        raise nested_too_deeply()
    return value


async def read_json(request: Request, limit: int) -> Any:
    """The request's JSON body, read no further than `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return loads(b"".join(chunks))


def check_finite(value: Any, path: str) -> None:
    """Refuses a non-finite float anywhere in `value` (a GraphQL literal such as 1e400 reads as infinity)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            raise GQLError("a number is out of range (beyond a 64-bit float)", "validation-failed", path)
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
