"""A local stand-in for the parts of Stripe's API the billing code calls, for the real `stripe` SDK.

Served on a loopback port by a thread (ThreadingHTTPServer). It is honest about what it checks: form-encoded
bodies decoded the way Stripe does (`a[b][0][c]=v`), secret-key auth, required parameters refused with
Stripe's error shape (`{"error": {"type", "code": "parameter_missing", "param", "message"}}`), and
Idempotency-Key semantics (same key + same parameters → the first response; different parameters → 400
idempotency_error). PaymentIntents behave like Stripe's test payment methods: `pm_card_visa` succeeds,
`pm_card_chargeDeclined` fails with a card_error (402), `pm_card_authenticationRequired` needs
authentication off-session (402 card_error, code authentication_required, the intent left requires_action).
Webhook events are signed with Stripe's scheme: `t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")`.

It also stands in for Stripe's hosted Checkout page, so a top-up can be clicked through without Stripe: a
session's `url` is `<this server>/c/pay/<session id>`, a page with a Pay button. Paying completes the
session, creates the succeeded PaymentIntent and POSTs the signed `checkout.session.completed` event to
`webhook_url` (the service's /webhooks/stripe verifies it with the real SDK), then redirects to the
session's `success_url`. `python -m devkit stripe` serves it on its own; `make up` starts it in development.
This is a development and test tool: production talks to Stripe (CREDITS_STRIPE_API_BASE unset).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

API_KEY = "sk_test_billing_fake_0123456789"
WEBHOOK_SECRET = "whsec_test_billing_fake_0123456789"

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_ids):06d}{secrets.token_hex(4)}"


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        code: str | None = None,
        param: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {
                "type": type_,
                "message": message,
                **({"code": code} if code else {}),
                **({"param": param} if param else {}),
                **extra,
            }
        }


def missing(param: str) -> StripeError:
    return StripeError(
        400, "invalid_request_error", f"Missing required param: {param}.", "parameter_missing", param
    )


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's bracket encoding back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(value: Any) -> Any:
        if isinstance(value, dict):
            value = {k: listify(v) for k, v in value.items()}
            if value and all(k.isdigit() for k in value):
                return [value[k] for k in sorted(value, key=int)]
        return value

    return listify(root)


def _require(params: dict[str, Any], path: str) -> Any:
    node: Any = params
    for part in path.replace("]", "").split("["):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node and node[part] != "":
            node = node[part]
        else:
            raise missing(path)
    return node


def _int(params: dict[str, Any], path: str) -> int:
    value = _require(params, path)
    try:
        return int(value)
    except ValueError:
        raise StripeError(
            400, "invalid_request_error", f"Invalid integer: {value}", "parameter_invalid_integer", path
        ) from None


@dataclass
class FakeStripe:
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, Any], str | None]] = field(default_factory=list)
    idempotency: dict[str, tuple[str, dict[str, Any], int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # A status to fail the next requests with (simulates an outage), e.g. 500.
    fail_with: int | None = None
    api_key: str = API_KEY
    webhook_secret: str = WEBHOOK_SECRET
    # Where a paid checkout's event is POSTed (the service's /webhooks/stripe); None sends nothing.
    webhook_url: str | None = None
    # This server's own address, for checkout page URLs; None (not served) gives Stripe-like URLs.
    public_url: str | None = None

    def handle(
        self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
        key = headers.get("idempotency-key")
        with self.lock:
            self.requests.append((method, path, params, key))
            if self.fail_with:
                return self.fail_with, {"error": {"type": "api_error", "message": "fake outage"}}
            if key is not None and key in self.idempotency:
                first_path, first_params, status, body = self.idempotency[key]
                if (first_path, first_params) != (path, params):
                    return 400, {
                        "error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        }
                    }
                return status, body
            try:
                status, body = 200, self._route(method, path, params)
            except StripeError as exc:
                status, body = exc.status, exc.body
            if key is not None and method == "POST":
                self.idempotency[key] = (path, params, status, body)
            return status, body

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "POST" and path == "/v1/customers":
            return self._create_customer(params)
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_payment_intent(params)
        stores = {
            "/v1/customers/": self.customers,
            "/v1/checkout/sessions/": self.sessions,
            "/v1/payment_intents/": self.payment_intents,
        }
        for prefix, store in stores.items():
            if method == "GET" and path.startswith(prefix):
                found = store.get(path[len(prefix) :])
                if found is None:
                    raise StripeError(
                        404, "invalid_request_error", f"No such object: {path}", "resource_missing"
                    )
                return found
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
        }
        self.customers[customer["id"]] = customer
        return customer

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        mode = _require(params, "mode")
        if mode not in ("payment", "setup", "subscription"):
            raise StripeError(
                400, "invalid_request_error", f"Invalid mode: {mode}", "parameter_invalid_string", "mode"
            )
        _require(params, "success_url")
        items = _require(params, "line_items")
        if not isinstance(items, list):
            raise missing("line_items[0]")
        total = 0
        currency = None
        for i, item in enumerate(items):
            if "price" not in item:
                currency = _require(params, f"line_items[{i}][price_data][currency]")
                _require(params, f"line_items[{i}][price_data][product_data][name]")
                unit = _int(params, f"line_items[{i}][price_data][unit_amount]")
            else:
                raise StripeError(
                    400,
                    "invalid_request_error",
                    "No such price",
                    "resource_missing",
                    f"line_items[{i}][price]",
                )
            quantity = _int(params, f"line_items[{i}][quantity]")
            total += unit * quantity
        customer = params.get("customer")
        if customer is not None and customer not in self.customers:
            raise StripeError(
                400,
                "invalid_request_error",
                f"No such customer: '{customer}'",
                "resource_missing",
                "customer",
            )
        session_id = new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid",
            "url": f"{self.public_url or 'https://checkout.stripe.test'}/c/pay/{session_id}",
            "amount_total": total,
            "currency": currency,
            "customer": customer,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "payment_intent_data": params.get("payment_intent_data", {}),
            "line_items": items,
            "livemode": False,
        }
        self.sessions[session_id] = session
        return session

    def _create_payment_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        amount = _int(params, "amount")
        currency = _require(params, "currency")
        intent = {
            "id": new_id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "customer": params.get("customer"),
            "payment_method": params.get("payment_method"),
            "metadata": params.get("metadata", {}),
            "status": "requires_payment_method",
            "amount_received": 0,
            "off_session": params.get("off_session"),
            "last_payment_error": None,
            "livemode": False,
        }
        if intent["customer"] is not None and intent["customer"] not in self.customers:
            raise StripeError(
                400, "invalid_request_error", "No such customer", "resource_missing", "customer"
            )
        self.payment_intents[intent["id"]] = intent
        if params.get("confirm") == "true":
            _require(params, "payment_method")
            pm = params["payment_method"]
            if pm == "pm_card_chargeDeclined":
                intent["last_payment_error"] = {"code": "card_declined", "decline_code": "generic_decline"}
                raise StripeError(
                    402,
                    "card_error",
                    "Your card was declined.",
                    "card_declined",
                    decline_code="generic_decline",
                    payment_intent=intent,
                )
            if pm == "pm_card_authenticationRequired" and params.get("off_session") == "true":
                intent["status"] = "requires_action"
                intent["last_payment_error"] = {"code": "authentication_required"}
                raise StripeError(
                    402,
                    "card_error",
                    "This payment requires authentication.",
                    "authentication_required",
                    payment_intent=intent,
                )
            intent["status"] = "succeeded"
            intent["amount_received"] = amount
        return intent

    def pay(self, session_id: str) -> str:
        """The customer pays a checkout session: the PaymentIntent succeeds, the signed
        checkout.session.completed event goes to `webhook_url`; returns the URL to send the customer to."""
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise StripeError(
                    404, "invalid_request_error", "No such checkout session", "resource_missing"
                )
            if session["status"] != "open":
                raise StripeError(400, "invalid_request_error", "This checkout session is no longer open")
            intent = {
                "id": new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "customer": session["customer"],
                "payment_method": "pm_card_visa",
                "metadata": session["payment_intent_data"].get("metadata", {}),
                "status": "succeeded",
                "amount_received": session["amount_total"],
                "last_payment_error": None,
                "livemode": False,
            }
            self.payment_intents[intent["id"]] = intent
            session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
            completed = event("checkout.session.completed", dict(session))
        if self.webhook_url:
            self.send_event(completed)
        return str(session["success_url"])

    def send_event(self, evt: dict[str, Any]) -> int:
        """POST a webhook event to `webhook_url`, signed as Stripe signs it; returns the HTTP status."""
        assert self.webhook_url is not None
        payload = json.dumps(evt)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={
                "content-type": "application/json",
                "stripe-signature": sign(payload, self.webhook_secret),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Local checkout</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>Local checkout</h1>
<p>{name}: <strong>{amount} {currency}</strong></p>
<p>Nothing is charged: this page stands in for Stripe Checkout in development.</p>
<form method="post"><button type="submit" id="pay">Pay</button></form>
<p><a href="{cancel}" id="cancel">Cancel</a></p>
</body></html>
"""


def checkout_page(session: dict[str, Any]) -> str:
    item = session["line_items"][0]
    return _PAGE.format(
        name=escape(str(item["price_data"]["product_data"]["name"])),
        amount=f"{int(session['amount_total']) / 100:.2f}",
        currency=escape(str(session["currency"]).upper()),
        cancel=escape(str(session.get("cancel_url") or session["success_url"]), quote=True),
    )


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripe

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        if location:
            self.send_header("location", location)
        self.end_headers()
        self.wfile.write(body)

    def _checkout(self, method: str, session_id: str) -> None:
        """The hosted checkout page (GET) and paying it (POST): no API key, as on Stripe."""
        try:
            if method == "GET":
                session = self.fake.sessions.get(session_id)
                if session is None:
                    raise StripeError(404, "invalid_request_error", "No such checkout session")
                self._send(200, checkout_page(session).encode(), "text/html; charset=utf-8")
            else:
                self._send(303, b"", "text/plain", location=self.fake.pay(session_id))
        except StripeError as exc:
            self._send(exc.status, json.dumps(exc.body).encode(), "application/json")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
        if path.startswith("/c/pay/"):
            self._checkout(method, path[len("/c/pay/") :])
            return
        if path == "/healthz":
            self._send(200, b"ok", "text/plain")
            return
        params = decode_form(raw if method == "POST" else query)
        status, body = self.fake.handle(method, path, params, {k.lower(): v for k, v in self.headers.items()})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", f"req_{secrets.token_hex(6)}")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self._serve("POST")

    def do_GET(self) -> None:
        self._serve("GET")


class FakeStripeServer:
    """The fake on a loopback port (0: any free one), served by a daemon thread while the block runs."""

    def __init__(self, port: int = 0, webhook_url: str | None = None) -> None:
        self.fake = FakeStripe(webhook_url=webhook_url)
        handler = type("Handler", (_Handler,), {"fake": self.fake})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.fake.public_url = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeStripeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- webhook events -------------------------------------------------------------------------------------


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value, computed the way Stripe does."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def event(type_: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": type_,
        "data": {"object": obj},
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }


def completed_session(
    session: dict[str, Any],
    *,
    paid: bool = True,
    payment_intent: str | None = None,
    type_: str = "checkout.session.completed",
) -> dict[str, Any]:
    obj = {
        **session,
        "status": "complete",
        "payment_status": "paid" if paid else "unpaid",
        "payment_intent": payment_intent or new_id("pi"),
    }
    return event(type_, obj)


def charge_refunded(
    payment_intent: str,
    amount: int,
    amount_refunded: int,
    charge_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    obj = {
        "id": charge_id or new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= amount,
        "payment_intent": payment_intent,
        "metadata": metadata or {},
    }
    return event("charge.refunded", obj)


def _dispute(payment_intent: str, charge_id: str, amount: int, status: str) -> dict[str, Any]:
    return {
        "id": new_id("dp"),
        "object": "dispute",
        "amount": amount,
        "charge": charge_id,
        "payment_intent": payment_intent,
        "status": status,
        "metadata": {},
    }


def dispute_created(payment_intent: str, charge_id: str, amount: int) -> dict[str, Any]:
    return event("charge.dispute.created", _dispute(payment_intent, charge_id, amount, "needs_response"))


def dispute_closed(payment_intent: str, charge_id: str, amount: int, status: str) -> dict[str, Any]:
    """charge.dispute.closed; status: won, lost or warning_closed (an inquiry that was never escalated)."""
    return event("charge.dispute.closed", _dispute(payment_intent, charge_id, amount, status))
