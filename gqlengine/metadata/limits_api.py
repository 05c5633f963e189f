"""The metadata API's `set_api_limits` and `remove_api_limits` (Hasura's arguments and answers)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from gqlengine.graphql.compile import GQLError
from gqlengine.graphql.limits import ApiLimits

if TYPE_CHECKING:
    from gqlengine.graphql.execute import Engine

SUCCESS = {"message": "success"}


async def set_api_limits(engine: Engine, args: Any) -> Any:
    from gqlengine.metadata.api import AdminError, apply_document

    try:
        limits = ApiLimits.parse(args)
    except GQLError as exc:
        raise AdminError(exc.message, exc.code, path=exc.path) from exc
    doc = copy.deepcopy(engine.doc)
    doc["api_limits"] = limits.export()
    await apply_document(engine, doc)
    return SUCCESS


async def remove_api_limits(engine: Engine, args: Any) -> Any:
    from gqlengine.metadata.api import apply_document

    doc = copy.deepcopy(engine.doc)
    doc.pop("api_limits", None)
    await apply_document(engine, doc)
    return SUCCESS


METADATA_HANDLERS = {"set_api_limits": set_api_limits, "remove_api_limits": remove_api_limits}
