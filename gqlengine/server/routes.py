"""HTTP routes: /v1/graphql (also over WebSocket), /v1alpha1/graphql, /v1/metadata, /v1/query, /v2/query,
/healthz, /v1/version."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from gqlengine import __version__
from gqlengine.graphql.auth import resolve_session
from gqlengine.graphql.bodies import MAX_ADMIN_BODY_BYTES, MAX_GRAPHQL_BODY_BYTES, BodyTooLarge, read_json
from gqlengine.graphql.compile import GQLError
from gqlengine.graphql.execute import Engine, is_unavailable
from gqlengine.metadata.api import AdminError, handle_metadata, handle_query_v1, handle_query_v2
from gqlengine.server.subscriptions import graphql_ws

JSON_TYPE = "application/json; charset=utf-8"
log = logging.getLogger("gqlengine")


def _engine(request: Request) -> Engine:
    return request.app.state.engine


async def _json_body(request: Request, limit: int = MAX_ADMIN_BODY_BYTES) -> Any:
    try:
        return await read_json(request, limit)
    except BodyTooLarge as exc:
        raise GQLError(str(exc), "bad-request", "$") from exc


def _request_id(request: Request) -> str:
    """The client's x-request-id, as Hasura keeps it, else a new one; answers carry it back."""
    given = request.headers.get("x-request-id", "")
    return given if 0 < len(given) <= 128 else str(uuid.uuid4())


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


async def graphql(request: Request) -> Response:
    engine = _engine(request)
    request_id = _request_id(request)
    headers = {"x-request-id": request_id}
    try:
        body = await read_json(request, MAX_GRAPHQL_BODY_BYTES)
    except BodyTooLarge as exc:
        error = {"message": str(exc), "extensions": {"path": "$", "code": "bad-request"}}
        return JSONResponse({"errors": [error]}, status_code=413, headers=headers)
    except GQLError as exc:
        text = '{"errors":[' + json.dumps(exc.to_json()) + "]}"
        return Response(text, media_type=JSON_TYPE, headers=headers)
    text = await engine.graphql(body, dict(request.headers), request_id=request_id, client=_client(request))
    return Response(text, media_type=JSON_TYPE, headers=headers)


async def graphql_v1alpha1(request: Request) -> Response:
    """The legacy endpoint: same answers, but errors use real HTTP statuses."""
    engine = _engine(request)
    request_id = _request_id(request)
    try:
        body = await read_json(request, MAX_GRAPHQL_BODY_BYTES)
    except BodyTooLarge as exc:
        error = {"message": str(exc), "extensions": {"path": "$", "code": "bad-request"}}
        return JSONResponse({"errors": [error]}, status_code=413)
    except GQLError as exc:
        return JSONResponse({"errors": [exc.to_json()]}, status_code=400)
    text = await engine.graphql(body, dict(request.headers), request_id=request_id, client=_client(request))
    status = 200
    if text.startswith('{"errors"'):
        code = json.loads(text)["errors"][0].get("extensions", {}).get("code")
        status = 401 if code in ("access-denied", "invalid-jwt", "invalid-headers") else 400
    return Response(text, status_code=status, media_type=JSON_TYPE)


async def _admin_call(request: Request, handler: Any) -> Response:
    engine = _engine(request)
    try:
        session = resolve_session(engine.settings.auth, dict(request.headers))
    except GQLError as exc:
        return JSONResponse({"path": "$", "error": exc.message, "code": exc.code}, status_code=401)
    if not session.is_admin:
        denied = {"path": "$.args", "error": "restricted access : admin only", "code": "access-denied"}
        return JSONResponse(denied, status_code=400)
    try:
        body = await _json_body(request)
    except GQLError as exc:
        return JSONResponse({"path": "$", "error": exc.message, "code": exc.code}, status_code=400)
    try:
        result = await handler(engine, body)
    except AdminError as exc:
        return JSONResponse(exc.to_json(), status_code=exc.status)
    except (KeyError, TypeError, AttributeError) as exc:  # malformed arguments
        return JSONResponse(
            {"path": "$.args", "error": f"invalid arguments: {exc}", "code": "parse-failed"}, status_code=400
        )
    except Exception as exc:  # Hasura's JSON error shape, never a plain-text 500
        if is_unavailable(exc):
            error = {"path": "$", "error": "database unavailable, retry later", "code": "postgres-error"}
            return JSONResponse(error, status_code=503)
        log.exception("unexpected error serving %s", request.url.path)
        return JSONResponse({"path": "$", "error": "internal error", "code": "unexpected"}, status_code=500)
    return Response(json.dumps(result), media_type=JSON_TYPE)


async def metadata(request: Request) -> Response:
    return await _admin_call(request, handle_metadata)


async def query_v1(request: Request) -> Response:
    return await _admin_call(request, handle_query_v1)


async def query_v2(request: Request) -> Response:
    return await _admin_call(request, handle_query_v2)


async def healthz(request: Request) -> Response:
    engine = _engine(request)
    if engine.model is None:
        return PlainTextResponse("ERROR", status_code=500)
    if engine.model.inconsistencies:
        return PlainTextResponse("WARN: inconsistent objects in schema")
    return PlainTextResponse("OK")


async def version(request: Request) -> Response:
    return JSONResponse({"version": __version__, "server_type": "ce"})


async def config(request: Request) -> Response:
    engine = _engine(request)
    return JSONResponse(
        {
            "version": __version__,
            "is_admin_secret_set": engine.settings.auth.admin_secret is not None,
            "is_auth_hook_set": False,
            "is_jwt_set": engine.settings.auth.jwt is not None,
            "jwt": [],
        }
    )


routes = [
    Route("/v1/graphql", graphql, methods=["POST"]),
    WebSocketRoute("/v1/graphql", graphql_ws),
    Route("/v1alpha1/graphql", graphql_v1alpha1, methods=["POST"]),
    Route("/v1/metadata", metadata, methods=["POST"]),
    Route("/v1/query", query_v1, methods=["POST"]),
    Route("/v2/query", query_v2, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/hasura/healthz", healthz, methods=["GET"]),
    Route("/v1/version", version, methods=["GET"]),
    Route("/v1alpha1/config", config, methods=["GET"]),
]
