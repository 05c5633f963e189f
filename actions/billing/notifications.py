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


class TargetRefused(Exception):
    """The webhook URL may not be called; the message says why."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global


async def _public_address(url: httpx.URL) -> str:
    """The address to connect to, from one lookup of the URL's host; every address it has must be public."""
    if not url.host:
        raise TargetRefused("webhook URL has no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"cannot resolve {url.host}: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not _is_public(address):
            raise TargetRefused(f"webhook host {url.host} resolves to a non-public address ({address})")
    if not addresses:
        raise TargetRefused(f"cannot resolve {url.host}: no address")
    return str(addresses[0])


async def _pin(url: httpx.URL, headers: dict[str, str], extensions: dict[str, Any]) -> httpx.URL:
    """The URL to request: its host replaced by the address just checked, so that a second lookup at
    connect time cannot answer a private address (DNS rebinding). The Host header, the TLS server name and
    the certificate check keep the URL's own name."""
    address = await _public_address(url)
    headers["host"] = url.netloc.decode("ascii")
    if url.scheme == "https":
        extensions["sni_hostname"] = url.host
    return url.copy_with(host=address)


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
    body = notice_body(row)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: signature(row["secret"], int(time.time()), body),
        ID_HEADER: notice_id,
        "user-agent": "credits-notifier/1",
    }
    extensions: dict[str, Any] = {}
    try:
        url = httpx.URL(row["url"])
        if not settings.notification_allow_private_targets:
            url = await _pin(url, headers, extensions)
    except (TargetRefused, httpx.InvalidURL) as exc:
        # A configuration problem, not a transient one: retrying would not help.
        refused = str(exc) if isinstance(exc, TargetRefused) else f"invalid webhook URL: {exc}"
        await _mark(pool, notice_id, "failed", 0, refused)
        return {"id": notice_id, "status": "failed", "error": refused}
    error: str | None = None
    try:
        async with httpx.AsyncClient(timeout=settings.notification_timeout, follow_redirects=False) as client:
            response = await client.post(url, content=body, headers=headers, extensions=extensions)
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
