"""A local stand-in for the parts of Stripe's API the billing code calls, for the real `stripe` SDK.

Served on a loopback port by a thread (ThreadingHTTPServer). It is honest about what it checks: form-encoded
bodies decoded the way Stripe does (`a[b][0][c]=v`), secret-key auth, required parameters refused with
Stripe's error shape (`{"error": {"type", "code": "parameter_missing", "param", "message"}}`), and
Idempotency-Key semantics (same key + same parameters → the first response; different parameters → 400
idempotency_error). PaymentIntents behave like Stripe's test payment methods: `pm_card_visa` succeeds,
`pm_card_chargeDeclined` fails with a card_error (402), `pm_card_authenticationRequired` needs
authentication off-session (402 card_error, code authentication_required, the intent left requires_action).
Webhook events are signed with Stripe's scheme: `t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
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

    def handle(
        self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {API_KEY}":
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
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
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


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripe

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
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
    def __init__(self) -> None:
        self.fake = FakeStripe()
        handler = type("Handler", (_Handler,), {"fake": self.fake})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

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
