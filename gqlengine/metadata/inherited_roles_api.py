"""The /v1/metadata operations `add_inherited_role` and `drop_inherited_role` (Hasura's errors)."""

from __future__ import annotations

import copy
from typing import Any

from gqlengine.metadata.api import SUCCESS, AdminError, _commit
from gqlengine.metadata.inherited_roles import cycle_message, inherited, ordered


async def _add(engine: Any, args: Any) -> Any:
    name, parents = args["role_name"], list(args.get("role_set") or [])
    if name in parents:
        raise AdminError("an inherited role name cannot be in the role combination", "invalid-params")
    doc = copy.deepcopy(engine.doc)
    entries = [r for r in doc.get("inherited_roles") or [] if r["role_name"] != name]
    doc["inherited_roles"] = [*entries, {"role_name": name, "role_set": parents}]
    _, cycles = ordered(inherited(doc))
    if cycles:
        raise AdminError(cycle_message(cycles), "cyclic-dependency")
    await _commit(engine, doc)
    return SUCCESS


async def _drop(engine: Any, args: Any) -> Any:
    name = args["role_name"]
    doc = copy.deepcopy(engine.doc)
    entries = doc.get("inherited_roles") or []
    if not any(r["role_name"] == name for r in entries):
        raise AdminError(f'"{name}" inherited role doesn\'t exist', "not-exists")
    doc["inherited_roles"] = [r for r in entries if r["role_name"] != name]
    if not doc["inherited_roles"]:
        del doc["inherited_roles"]
    await _commit(engine, doc)
    return SUCCESS


def install(engine: Any) -> None:
    """Register the operations with the engine's metadata API."""
    engine.metadata_handlers["add_inherited_role"] = _add
    engine.metadata_handlers["drop_inherited_role"] = _drop
