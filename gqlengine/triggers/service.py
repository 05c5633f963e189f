"""Event triggers and cron triggers as an engine service: `create_app(settings, services=[TriggerService()])`.

On start it installs the database triggers of every event trigger in the metadata document, generates
upcoming cron events and starts both delivery workers; on every reload (reload_metadata, replace_metadata,
run_sql, a metadata edit) it reinstalls triggers and reschedules cron events from the new document. It also
serves the trigger calls of /v1/metadata. The triggers themselves live in the metadata document, like every
other metadata object, so export_metadata and replace_metadata see them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import httpx

from gqlengine.graphql.execute import Engine, MetadataHandler
from gqlengine.metadata.api import SUCCESS, AdminError, apply_document
from gqlengine.triggers.cron import CronTriggers, cron_triggers_from_metadata, edit_cron_triggers
from gqlengine.triggers.events import EventTriggers, event_triggers_from_metadata, parse_event_triggers
from gqlengine.triggers.webhook import Clock, TriggerError, utc_now


def _admin_error(exc: TriggerError) -> AdminError:
    return AdminError(exc.message, exc.code, status=exc.status, path="$.args")


class TriggerService:
    """The event delivery worker and the cron scheduler of one engine."""

    def __init__(
        self,
        *,
        fetch_interval: float | None = None,
        clock: Clock = utc_now,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._fetch_interval = fetch_interval
        self._clock = clock
        self._client = client
        self.events: EventTriggers | None = None
        self.cron: CronTriggers | None = None
        # Trigger problems (missing env var, unknown column) of the last sync, reported as inconsistencies.
        self.inconsistent: list[dict[str, Any]] = []

    # ---------------------------------------------------------------- Service protocol
    async def on_start(self, engine: Engine) -> None:
        assert engine.pool is not None
        options: dict[str, Any] = {"clock": self._clock, "client": self._client}
        if self._fetch_interval is not None:
            options["fetch_interval"] = self._fetch_interval
        self.events = EventTriggers(engine.pool, [], **options)
        self.cron = CronTriggers(engine.pool, [], **options)
        await self.on_reload(engine)
        handlers: dict[str, MetadataHandler] = {
            "invoke_event_trigger": self._invoke,
            "redeliver_event": self._redeliver,
            "create_event_trigger": self._create_event_trigger,
            "delete_event_trigger": self._delete_event_trigger,
        }
        for op, handler in handlers.items():
            engine.metadata_handlers[op] = handler
            engine.metadata_handlers["pg_" + op] = handler
        engine.metadata_handlers["create_cron_trigger"] = self._create_cron_trigger
        engine.metadata_handlers["delete_cron_trigger"] = self._delete_cron_trigger
        await self.events.start()
        await self.cron.start()

    async def on_reload(self, engine: Engine) -> None:
        if self.events is None or self.cron is None:
            return
        # Bad triggers are reported, not fatal: Hasura keeps serving with inconsistent metadata.
        problems: list[dict[str, Any]] = []
        events = event_triggers_from_metadata(engine.doc, problems)
        crons = cron_triggers_from_metadata(engine.doc, problems)
        problems += await self.events.replace_triggers(events)
        await self.cron.replace_triggers(crons)
        self.events.wake()
        self.cron.wake()
        if engine.model is not None:
            previous = {(i["type"], i["name"]) for i in self.inconsistent}
            # (.get: ambiguous REST endpoints are reported without a type or name, as in Hasura)
            kept = [i for i in engine.model.inconsistencies if (i.get("type"), i.get("name")) not in previous]
            engine.model.inconsistencies[:] = kept + problems
        self.inconsistent = problems

    async def on_stop(self, engine: Engine) -> None:
        if self.cron is not None:
            await self.cron.stop()
        if self.events is not None:
            await self.events.stop()

    # ---------------------------------------------------------------- /v1/metadata calls
    async def _invoke(self, engine: Engine, args: Any) -> Any:
        assert self.events is not None
        try:
            return await self.events.invoke(args if isinstance(args, Mapping) else {})
        except TriggerError as exc:
            raise _admin_error(exc) from exc

    async def _redeliver(self, engine: Engine, args: Any) -> Any:
        assert self.events is not None
        try:
            return await self.events.redeliver(args if isinstance(args, Mapping) else {})
        except TriggerError as exc:
            raise _admin_error(exc) from exc

    async def _create_cron_trigger(self, engine: Engine, args: Any) -> Any:
        return await self._edit_cron(engine, "create_cron_trigger", args)

    async def _delete_cron_trigger(self, engine: Engine, args: Any) -> Any:
        return await self._edit_cron(engine, "delete_cron_trigger", args)

    async def _edit_cron(self, engine: Engine, op: str, args: Any) -> Any:
        doc = copy.deepcopy(engine.doc)
        try:
            doc["cron_triggers"] = edit_cron_triggers(doc.get("cron_triggers") or [], op, args or {})
        except TriggerError as exc:
            raise _admin_error(exc) from exc
        await apply_document(engine, doc)
        return SUCCESS

    async def _create_event_trigger(self, engine: Engine, args: Any) -> Any:
        """`pg_create_event_trigger {name, source?, table, webhook|webhook_from_env, insert/update/delete,
        enable_manual?, retry_conf?, headers?, replace?}` → an entry of the table's `event_triggers`."""
        if not isinstance(args, Mapping) or not isinstance(args.get("name"), str):
            raise AdminError('key "name" not found', "parse-failed", path="$.args")
        name = args["name"]
        copy_doc = copy.deepcopy(engine.doc)
        table = _find_table(args, copy_doc)
        entry: dict[str, Any] = {
            "name": name,
            "definition": {
                "enable_manual": bool(args.get("enable_manual", False)),
                **{op: args[op] for op in ("insert", "update", "delete") if args.get(op) is not None},
            },
            "retry_conf": args.get("retry_conf") or {"num_retries": 0, "interval_sec": 10, "timeout_sec": 60},
        }
        for key in ("webhook", "webhook_from_env", "headers", "request_transform", "response_transform"):
            if args.get(key) is not None:
                entry[key] = args[key]
        try:  # validate (unknown keys, env vars, name) with the loader's own rules
            parse_event_triggers({"table": table["table"], "event_triggers": [entry]})
        except TriggerError as exc:
            raise _admin_error(exc) from exc
        existing = _all_event_triggers(copy_doc)
        if name in existing:
            if not args.get("replace"):
                raise AdminError(f"Key already exists: {name}", "already-exists", path="$.args")
            holder = existing[name]
            holder["event_triggers"] = [t for t in holder["event_triggers"] if t.get("name") != name]
        table.setdefault("event_triggers", []).append(entry)
        await apply_document(engine, copy_doc)
        return SUCCESS

    async def _delete_event_trigger(self, engine: Engine, args: Any) -> Any:
        name = args.get("name") if isinstance(args, Mapping) else None
        doc = copy.deepcopy(engine.doc)
        holder = _all_event_triggers(doc).get(name) if isinstance(name, str) else None
        if holder is None:
            raise AdminError(f'event trigger "{name}" does not exist', "not-exists", path="$.args")
        holder["event_triggers"] = [t for t in holder["event_triggers"] if t.get("name") != name]
        if not holder["event_triggers"]:
            del holder["event_triggers"]
        await apply_document(engine, doc)
        return SUCCESS


def _find_table(args: Mapping[str, Any], doc: Any) -> dict[str, Any]:
    ref = args.get("table")
    if isinstance(ref, str):
        ref = {"schema": "public", "name": ref}
    if not isinstance(ref, Mapping) or "name" not in ref:
        raise AdminError('key "table" not found', "parse-failed", path="$.args")
    key = (ref.get("schema", "public"), ref["name"])
    source_name = args.get("source", "default")
    for source in doc.get("sources") or []:
        if source.get("name") != source_name:
            continue
        for t in source.get("tables") or []:
            if (t["table"].get("schema", "public"), t["table"]["name"]) == key:
                return t
    raise AdminError(f'table "{ref["name"]}" does not exist', "not-exists", path="$.args.table")


def _all_event_triggers(doc: Any) -> dict[str, dict[str, Any]]:
    """Trigger name → the table YAML holding it (names are unique across a source)."""
    return {
        e.get("name"): t
        for s in doc.get("sources") or []
        for t in s.get("tables") or []
        for e in t.get("event_triggers") or []
    }
