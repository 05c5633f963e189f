"""The three Hasura-facing dispatchers: POST /actions, POST /events/{trigger}, POST /cron/{name}.

Each checks the shared secret, parses Hasura's payload, looks the name up in its registry and runs one
handler. Expected failures are ActionError (rendered by app.py); the rest is the middleware's 500.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from actions import db, json_limits
from actions.action import ActionContext
from actions.errors import INVALID_INPUT, UNKNOWN_ACTION, ActionError, RetryLater
from actions.hasura import ActionPayload, CronPayload, EventPayload
from actions.logs import get_logger
from actions.security import require_secret
from actions.session import Session
from actions.state import pool, services

log = get_logger("dispatch")

M = TypeVar("M", bound=BaseModel)


def validation_error(exc: ValidationError, what: str) -> ActionError:
    """INVALID_INPUT naming the first offending field (dotted path, GraphQL names)."""
    first = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or what
    message = first["msg"]
    if first["type"] == "missing":
        message = "field required"
    return ActionError(INVALID_INPUT, f"invalid {what} field '{field}': {message}", field=field)


async def _json_body(request: Request) -> Any:
    try:
        body = await json_limits.read_body(request, services(request).settings.max_body_bytes)
        return json_limits.parse_body(body)
    except ValueError as exc:
        raise ActionError(INVALID_INPUT, str(exc)) from None


def _parse(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, what) from None


async def action_endpoint(request: Request) -> Response:
    svc = services(request)
    request.state.kind = "action"
    request.state.name = "unknown"
    require_secret(request, svc.settings.hasura_action_secret.get_secret_value())
    payload = _parse(ActionPayload, await _json_body(request), "payload")
    action = svc.actions.get(payload.action.name)
    if action is None:
        raise ActionError(UNKNOWN_ACTION, f"unknown action {payload.action.name!r}")
    request.state.name = action.name
    session = Session.from_variables(payload.session_variables)
    organization_id = action.authorize(session)
    args = _parse(action.input_model, payload.input, "input")
    ctx = ActionContext(
        pool=pool(request),
        session=session,
        organization_id=organization_id,
        request_id=request.state.request_id,
        metrics=svc.metrics,
        settings=svc.settings,
    )
    result = await action.handle(ctx, args)
    request.state.outcome = "ok"
    # One pydantic-core pass; JSONResponse would build a dict and json.dumps it.
    return Response(result.model_dump_json(by_alias=True), media_type="application/json")


async def _run_webhook(request: Request, kind: str, name: str, handler: Any, payload: BaseModel) -> Response:
    if handler is None:
        log.warning(
            f"no handler for {kind} {name!r}; acknowledged and ignored",
            extra={"request_id": request.state.request_id, "kind": kind, "trigger": name},
        )
        request.state.outcome = "ignored"
        return JSONResponse({"status": "ignored", "reason": f"no handler for {kind} {name!r}"})
    try:
        result = await handler(pool(request), payload)
    except RetryLater as exc:
        request.state.outcome = "retry_later"
        return JSONResponse(
            {"message": str(exc), "extensions": {"code": "RETRY_LATER"}},
            status_code=503,
            headers={"Retry-After": str(exc.seconds)},
        )
    request.state.outcome = "ok"
    # db.dumps: handlers may answer with Decimals from the database.
    return Response(db.dumps(result), media_type="application/json")


async def event_endpoint(request: Request) -> Response:
    svc = services(request)
    trigger = request.path_params["trigger"]
    handler = svc.event_handlers.get(trigger)
    # Only registered names become metric labels, so arbitrary paths cannot blow up the label set.
    request.state.kind, request.state.name = "event", trigger if handler else "unknown"
    require_secret(request, svc.settings.hasura_action_secret.get_secret_value())
    payload = _parse(EventPayload, await _json_body(request), "event payload")
    return await _run_webhook(request, "event trigger", trigger, handler, payload)


async def cron_endpoint(request: Request) -> Response:
    svc = services(request)
    name = request.path_params["name"]
    handler = svc.cron_handlers.get(name)
    request.state.kind, request.state.name = "cron", name if handler else "unknown"
    require_secret(request, svc.settings.hasura_action_secret.get_secret_value())
    payload = _parse(CronPayload, await _json_body(request), "cron payload")
    return await _run_webhook(request, "cron trigger", name, handler, payload)
