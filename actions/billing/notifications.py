"""Event trigger `credit_notification_deliver` (credit_notifications INSERT): send the notice to the
organization's webhook, signed, and record the delivery.

Receiver contract (docs/billing.md): POST JSON, header `Credits-Signature: t=<unix>,v1=<hex>` where hex =
HMAC-SHA256(organization's secret, "<t>.<raw body>"), and `Credits-Notification-Id` (the same on every
retry; receivers dedupe on it). A 2xx marks the notice delivered. Anything else counts an attempt and answers
Hasura 503 + Retry-After so it redelivers; on Hasura's last attempt the notice is marked failed and Hasura
gets a 200 (a Retry-After would keep it retrying past its budget). No URL configured → skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from actions.billing.config import billing_settings
from actions.errors import RetryLater
from actions.hasura import EventPayload
from actions.logs import get_logger

log = get_logger("billing.notifications")

SIGNATURE_HEADER = "Credits-Signature"
ID_HEADER = "Credits-Notification-Id"

LOAD = """
select n.id, n.organization_id, n.kind, n.period_start, n.episode, n.available_at_crossing, n.threshold,
       n.delivery_status, n.attempts, n.created_at,
       s.notification_webhook_url as url, s.notification_webhook_secret as secret
from public.credit_notifications n
left join public.organization_credit_settings s on s.organization_id = n.organization_id
where n.id = $1
"""

# Every status change is guarded by delivery_status = 'pending': a finished notice is never reopened.
MARK = """
update public.credit_notifications
set delivery_status = $2,
    attempts = attempts + $3,
    last_error = $4,
    delivered_at = case when $2 = 'delivered' then now() end
where id = $1 and delivery_status = 'pending'
"""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(Decimal("0.01")), "f")


def notice_body(row: asyncpg.Record) -> bytes:
    notice = {
        "id": row["id"],
        "type": f"credits.{row['kind']}",
        "kind": row["kind"],
        "organization_id": row["organization_id"],
        "period_start": row["period_start"].isoformat(),
        "episode": row["episode"],
        "available": _amount(row["available_at_crossing"]),
        "threshold": _amount(row["threshold"]),
        "created_at": row["created_at"].isoformat(),
    }
    return json.dumps(notice, separators=(",", ":")).encode()


async def _forbidden_target(url: str) -> str | None:
    """Why `url` may not be called (it resolves into a private network), or None."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "webhook URL has no host"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or 443, type=socket.SOCK_STREAM
        )
    except OSError as exc:
        return f"cannot resolve {parts.hostname}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"webhook host {parts.hostname} resolves to a non-public address ({address})"
    return None


async def _mark(pool: asyncpg.Pool, notice_id: str, status: str, attempts: int, error: str | None) -> None:
    async with pool.acquire() as conn:
        await conn.execute(MARK, notice_id, status, attempts, error)


async def handle(pool: asyncpg.Pool, payload: EventPayload) -> dict[str, Any]:
    notice_id = (payload.event.data.new or {}).get("id")
    if not isinstance(notice_id, str):
        return {"status": "ignored", "reason": "no notification id in the trigger payload"}
    async with pool.acquire() as conn:
        row = await conn.fetchrow(LOAD, notice_id)
    if row is None:
        return {"status": "ignored", "reason": "unknown notification"}
    if row["delivery_status"] != "pending":
        return {"id": notice_id, "status": row["delivery_status"], "replayed": True}
    if not row["url"]:
        await _mark(pool, notice_id, "skipped", 0, None)
        return {"id": notice_id, "status": "skipped"}

    settings = billing_settings()
    if not settings.notification_allow_private_targets:
        refused = await _forbidden_target(row["url"])
        if refused is not None:
            # A configuration problem, not a transient one: retrying would not help.
            await _mark(pool, notice_id, "failed", 0, refused)
            return {"id": notice_id, "status": "failed", "error": refused}
    body = notice_body(row)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: signature(row["secret"], int(time.time()), body),
        ID_HEADER: notice_id,
        "user-agent": "credits-notifier/1",
    }
    error: str | None = None
    try:
        async with httpx.AsyncClient(timeout=settings.notification_timeout, follow_redirects=False) as client:
            response = await client.post(row["url"], content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            error = f"receiver answered HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:1000]

    if error is None:
        await _mark(pool, notice_id, "delivered", 1, None)
        return {"id": notice_id, "status": "delivered"}
    last_attempt = payload.delivery_info.current_retry >= payload.delivery_info.max_retries
    if last_attempt:
        await _mark(pool, notice_id, "failed", 1, error)
        log.warning(
            "notification delivery failed for good", extra={"notification_id": notice_id, "error": error}
        )
        return {"id": notice_id, "status": "failed", "error": error}
    await _mark(pool, notice_id, "pending", 1, error)
    raise RetryLater(f"notification {notice_id}: {error}", seconds=settings.notification_retry_after)
