"""The metadata API's `set_api_limits` and `remove_api_limits` (Hasura's arguments): the document each leaves,
which the metadata API applies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from gqlengine.graphql.limits import ApiLimits


def set_api_limits(doc: Any, args: Any) -> Any:
    """Raises GQLError for limits that do not parse."""
    limits = ApiLimits.parse(args)
    doc = copy.deepcopy(doc)
    doc["api_limits"] = limits.export()
    return doc


def remove_api_limits(doc: Any, args: Any) -> Any:
    doc = copy.deepcopy(doc)
    doc.pop("api_limits", None)
    return doc


OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "set_api_limits": set_api_limits,
    "remove_api_limits": remove_api_limits,
}
