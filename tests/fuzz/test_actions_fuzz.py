"""Property-based fuzzing of the actions service: Hasura action payloads (straight to /actions and through the
GraphQL engine), event and cron trigger bodies, and signed Stripe webhook bodies.

Whatever arrives, the service must answer in its error shape with a stable code, never a 5xx (503 is allowed
only as the documented RETRY_LATER / DATABASE_UNAVAILABLE), never INTERNAL_ERROR; a refused request writes
nothing; check_credit_invariants() holds after every request.

Reproducible: every test runs with the seed CREDITS_FUZZ_SEED (default below); a failure prints it. Bounded:
fixed example counts, no example database, everything over one module database and real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import stripe
from hypothesis import HealthCheck, event, given, note, seed, settings
from hypothesis import strategies as st

from actions.app import create_app
from actions.settings import Settings
from tests.servers import engine_env, free_port, serving, start_uvicorn

SEED = int(os.environ.get("CREDITS_FUZZ_SEED", "20261202"))
ACTION_SECRET = "fuzz-action-secret-0123456789"
WEBHOOK_SECRET = "whsec_fuzz_0123456789abcdef"
ADMIN_SECRET = "fuzz-admin-secret"
JWT_KEY = "fuzz-jwt-key-0123456789abcdef0123456789abcdef"

ORGS = ["org_pro", "org_team", "org_free_one", "org_free_two", "org_nope", ""]
ROLES = ["service", "admin", "member", "viewer", "owner", "org_admin", "anonymous", "ADMIN", ""]
ACTIONS = [
    "aiAccessCheck",
    "reserveCredits",
    "settleCredits",
    "releaseCredits",
    "grantCredits",
    "changePlan",
    "cancelPlanChange",
    "createTopupCheckout",
]
ARGS = {
    "aiAccessCheck": ["capability", "qualityLevel"],
    "reserveCredits": ["capability", "qualityLevel", "idempotencyKey", "estimatedCredits", "ttlSeconds"],
    "settleCredits": ["reservationId", "actualCredits", "providerRequestId", "providerMetadata"],
    "releaseCredits": ["reservationId", "reason"],
    "grantCredits": ["organizationId", "amount", "kind", "idempotencyKey", "reason"],
    "changePlan": ["organizationId", "planId"],
    "cancelPlanChange": ["organizationId"],
    "createTopupCheckout": ["packageId", "successUrl", "cancelUrl"],
}
EVENTS = ["stripe_event_process", "credit_notification_deliver", "auto_topup_charge", "no_such_trigger"]
CRONS = ["rollover_billing_periods", "expire_credit_reservations", "no_such_cron"]
ALLOWED_503 = {"RETRY_LATER", "DATABASE_UNAVAILABLE"}

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

# --- JSON as raw text, so numbers JSON libraries never write (1e400, 300 digits, NaN) are generated too.

NASTY_NUMBERS = [
    "1e400",
    "-1e400",
    "1e999999999",
    "1E-400",
    "-0",
    "0.000000000000000000000000000001",
    "9" * 120,
    "1." + "5" * 120,
    "NaN",
    "Infinity",
    "-Infinity",
    "12.345",
    "1e9",
    "999999999.99",
    "0",
]
WORDS = [
    "question_generation",
    "testimonial_polish",
    "fast",
    "enhanced",
    "premium",
    "plan_team",
    "plan_free",
    "pkg_starter",
    "promo_bonus",
    "admin_adjustment",
    "https://example.com/ok",
    "1.00",
    "0.50",
    "-1",
    "1e400",
    "NaN",
    "",
    "x" * 300,
    "\u0000",
    "\ud800",
    "Ω≈ç√",
]


def _text_literal(value: str) -> str:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, exactly what a hostile client can send.
    return json.dumps(value)


scalar_text = st.one_of(
    st.sampled_from(["null", "true", "false"]),
    st.sampled_from(NASTY_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(WORDS).map(_text_literal),
    st.text(max_size=20).map(_text_literal),
)


def _array(items: list[str]) -> str:
    return "[" + ",".join(items) + "]"


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f"{_text_literal(k)}:{v}" for k, v in pairs) + "}"


json_text = st.recursive(
    scalar_text,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(_array),
        st.lists(st.tuples(st.text(max_size=8), inner), max_size=4).map(_object),
    ),
    max_leaves=12,
)
deep_text = st.integers(min_value=1, max_value=3000).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n])
)
any_json_text = st.one_of(json_text, json_text, json_text, deep_text)


# --- The service, its database and the engine, for this module only.


@dataclass
class Stack:
    service: httpx.Client
    graphql: httpx.Client
    graphql_url: str
    db: asyncpg.Connection
    loop: asyncio.AbstractEventLoop
    reservations: list[str]

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def snapshot(self) -> tuple[Any, ...]:
        return tuple(self.run(self.db.fetchrow(SNAPSHOT_SQL)))

    def violations(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.run(self.db.fetch("select * from check_credit_invariants()"))]


SNAPSHOT_SQL = """
select
  (select count(*) from credit_transactions),
  (select coalesce(md5(string_agg(r::text, ',' order by r.id)), '') from credit_reservations r),
  (select coalesce(md5(string_agg(b::text, ',' order by b.id)), '') from organization_credit_balances b),
  (select coalesce(md5(string_agg(p::text, ',' order by p.id)), '') from organization_plans p),
  (select count(*) from credit_purchases),
  (select count(*) from credit_notifications),
  (select count(*) from stripe_events)
"""


@pytest.fixture(scope="module")
def stack(db_url: str) -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDITS_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        # No Stripe API here: checkout and auto top-up answer STRIPE_NOT_CONFIGURED, which is their contract.
        mp.delenv("CREDITS_STRIPE_SECRET_KEY", raising=False)
        mp.delenv("CREDITS_STRIPE_API_BASE", raising=False)
        app_settings = Settings(
            environment="test",
            database_url=db_url,
            hasura_action_secret=ACTION_SECRET,
            pool_min_size=1,
            pool_max_size=4,
        )
        server, thread, port = start_uvicorn(create_app(app_settings))
        service_url = f"http://127.0.0.1:{port}"
        engine_port = free_port()
        env = engine_env(
            db_url,
            engine_port,
            admin_secret=ADMIN_SECRET,
            jwt_key=JWT_KEY,
            HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES="true",
            ACTIONS_BASE_URL=service_url,
            CREDITS_HASURA_ACTION_SECRET=ACTION_SECRET,
        )
        base = f"http://127.0.0.1:{engine_port}"
        loop = asyncio.new_event_loop()
        db = loop.run_until_complete(asyncpg.connect(db_url))
        try:
            with (
                serving(["-m", "gqlengine", "serve"], env, f"{base}/healthz"),
                httpx.Client(base_url=service_url, timeout=30) as service,
                httpx.Client(timeout=30) as graphql,
            ):
                fuzz_stack = Stack(service, graphql, f"{base}/v1/graphql", db, loop, [])
                fuzz_stack.reservations.extend(_reserve_some(fuzz_stack))
                yield fuzz_stack
        finally:
            loop.run_until_complete(db.close())
            loop.close()
            server.should_exit = True
            thread.join(timeout=15)


def _reserve_some(stack: Stack) -> list[str]:
    """Real pending reservations, so settle and release examples sometimes hit something that exists."""
    ids = []
    # A fixed list: a strategy that drew from a list growing between examples could not replay them.
    for n, org in enumerate(["org_pro", "org_team"] * 6):
        response = _post_action(
            stack,
            {
                "action": {"name": "reserveCredits"},
                "input": {
                    "capability": "question_generation",
                    "qualityLevel": "fast",
                    "idempotencyKey": f"fz-{n}",
                },
                "session_variables": {"x-hasura-role": "service", "x-hasura-organization-id": org},
            },
        )
        assert response.status_code == 200, response.text
        ids.append(response.json()["reservationId"])
    return ids


def _post_action(stack: Stack, payload: dict[str, Any]) -> httpx.Response:
    return stack.service.post("/actions", json=payload, headers={"X-Credits-Action-Secret": ACTION_SECRET})


# --- The properties.


def _check_answer(
    stack: Stack, response: httpx.Response, before: tuple[Any, ...], *, stripe_shape: bool = False
) -> None:
    note(f"fuzz seed {SEED} (CREDITS_FUZZ_SEED); answer {response.status_code} {response.text[:300]!r}")
    payload = response.json()  # always JSON
    shape = payload.get("error", {}) if stripe_shape else payload.get("extensions", {})
    event(f"{response.status_code} {shape.get('code', '') if isinstance(shape, dict) else ''}")
    if response.status_code >= 400:
        code = payload["error"]["code"] if stripe_shape else payload["extensions"]["code"]
        if not stripe_shape:
            assert set(payload) == {"message", "extensions"} and payload["message"], payload
        assert code != "INTERNAL_ERROR", payload
        if response.status_code >= 500:
            assert response.status_code == 503 and code in ALLOWED_503 | {"STRIPE_NOT_CONFIGURED"}, payload
        elif response.status_code not in (400, 401, 403, 413):
            pytest.fail(f"unexpected status {response.status_code}: {payload}")
        if code not in ALLOWED_503:
            assert stack.snapshot() == before, "a refused request changed the database"
    assert stack.violations() == [], "an invariant broke"


AMOUNTS = ['"1.00"', '"0.50"', "0.25", '"2"', '"-1"', '"0"', '"0.001"', '"1e400"', "1e400", "1e999999999"]
PLAUSIBLE = {
    "capability": st.sampled_from(['"question_generation"', '"testimonial_polish"', '"nope"']),
    "qualityLevel": st.sampled_from(['"fast"', '"enhanced"', '"premium"']),
    "idempotencyKey": st.integers(0, 40).map(lambda n: f'"fz-{n}"'),
    "estimatedCredits": st.sampled_from(AMOUNTS),
    "actualCredits": st.sampled_from(AMOUNTS),
    "amount": st.sampled_from(AMOUNTS),
    "ttlSeconds": st.integers(-5, 100_000).map(str),
    "kind": st.sampled_from(
        ['"promo_bonus"', '"admin_adjustment"', '"topup_refund"', '"plan_allocation"', '"x"']
    ),
    "organizationId": st.sampled_from(ORGS).map(_text_literal),
    "planId": st.sampled_from(['"plan_team"', '"plan_pro"', '"plan_free"', '"plan_x"']),
    "packageId": st.sampled_from(['"pkg_starter"', '"pkg_x"']),
    "providerMetadata": any_json_text,
}


@st.composite
def action_payloads(draw: st.DrawFn, stack: Stack) -> str:
    """Mostly well-formed calls with a few bad values (so handlers and SQL run and write), some pure junk."""
    name = draw(st.sampled_from([*ACTIONS, *ACTIONS, "mintMoney"]))
    known = ARGS.get(name, ["x"])
    fields = []
    chosen = st.lists(st.sampled_from([*known, "unknownArg"]), unique=True, min_size=len(known) - 1)
    for arg in draw(st.just(known) | st.just(known) | chosen):
        if arg == "reservationId" and draw(st.integers(0, 4)):
            value = _text_literal(draw(st.sampled_from(stack.reservations)))
        elif arg in PLAUSIBLE and draw(st.integers(0, 7)):
            value = draw(PLAUSIBLE[arg])
        else:
            value = draw(any_json_text)
        fields.append((arg, value))
    admin_only = name in ("grantCredits", "changePlan", "cancelPlanChange")
    usual = st.just("admin" if admin_only else "service")
    role = draw(st.one_of(usual, usual, usual, st.sampled_from(ROLES)))
    variables = [
        ("x-hasura-role", _text_literal(role)),
        ("x-hasura-organization-id", _text_literal(draw(st.sampled_from(ORGS[:3]) | st.sampled_from(ORGS)))),
    ]
    session = (
        _object(variables) if draw(st.integers(0, 5)) else draw(st.sampled_from(["null", "[]", "1e400"]))
    )
    parts = [("action", _object([("name", _text_literal(name))])), ("input", _object(fields))]
    parts.append(("session_variables", session))
    if draw(st.integers(0, 14)) == 0:  # now and then, the whole envelope is junk
        return draw(any_json_text)
    return _object(parts)


@seed(SEED)
@FUZZ
@given(data=st.data())
def test_action_payloads_never_break_the_service(stack: Stack, data: st.DataObject) -> None:
    raw = data.draw(action_payloads(stack))
    before = stack.snapshot()
    response = stack.service.post(
        "/actions",
        content=raw,
        headers={"X-Credits-Action-Secret": ACTION_SECRET, "content-type": "application/json"},
    )
    _check_answer(stack, response, before)


@st.composite
def event_payloads(draw: st.DrawFn) -> str:
    row = draw(
        st.one_of(
            any_json_text,
            st.lists(
                st.tuples(
                    st.sampled_from(["id", "organization_id", "status", "kind", "purchase_id"]), json_text
                ),
                max_size=4,
            ).map(_object),
        )
    )
    event = _object(
        [
            ("op", _text_literal(draw(st.sampled_from(["INSERT", "UPDATE", "DELETE", "MANUAL"])))),
            ("data", _object([("old", "null"), ("new", row)])),
        ]
    )
    fields = [
        ("id", _text_literal(draw(st.text(max_size=12)))),
        ("created_at", _text_literal("2026-11-23T07:14:21Z")),
        ("trigger", _object([("name", _text_literal(draw(st.sampled_from(EVENTS))))])),
        ("table", _object([("schema", '"public"'), ("name", _text_literal(draw(st.text(max_size=8))))])),
        ("event", event),
        ("delivery_info", draw(st.sampled_from(['{"current_retry": 0, "max_retries": 3}', "null", "1e400"]))),
    ]
    some = st.lists(st.sampled_from(fields), unique_by=lambda f: f[0], min_size=3, max_size=len(fields))
    kept = draw(st.just(fields) | st.just(fields) | some)
    return _object(kept) if draw(st.integers(0, 7)) else draw(any_json_text)


@seed(SEED)
@FUZZ
@given(trigger=st.sampled_from(EVENTS), raw=event_payloads())
def test_event_trigger_bodies_never_break_the_service(stack: Stack, trigger: str, raw: str) -> None:
    before = stack.snapshot()
    response = stack.service.post(
        f"/events/{trigger}",
        content=raw,
        headers={"X-Credits-Action-Secret": ACTION_SECRET, "content-type": "application/json"},
    )
    _check_answer(stack, response, before)


@seed(SEED)
@settings(FUZZ, max_examples=60)
@given(
    name=st.sampled_from(CRONS),
    scheduled=st.one_of(st.just('"2026-11-23T10:00:00Z"'), scalar_text),
    payload=any_json_text,
)
def test_cron_bodies_never_break_the_service(stack: Stack, name: str, scheduled: str, payload: str) -> None:
    raw = _object([("name", _text_literal(name)), ("scheduled_time", scheduled), ("payload", payload)])
    before = stack.snapshot()
    response = stack.service.post(
        f"/cron/{name}",
        content=raw,
        headers={"X-Credits-Action-Secret": ACTION_SECRET, "content-type": "application/json"},
    )
    _check_answer(stack, response, before)


@seed(SEED)
@FUZZ
@given(
    event_id=st.one_of(st.text(max_size=16).map(_text_literal), scalar_text),
    event_type=st.one_of(
        st.sampled_from(["checkout.session.completed", "charge.refunded", "customer.created"]).map(
            _text_literal
        ),
        scalar_text,
    ),
    body=any_json_text,
    signed=st.sampled_from(["now", "now", "past", "future", "junk", "none"]),
)
def test_stripe_webhook_bodies_never_break_the_service(
    stack: Stack, event_id: str, event_type: str, body: str, signed: str
) -> None:
    raw = _object([("id", event_id), ("type", event_type), ("data", _object([("object", body)]))])
    now = int(time.time())
    stamp = {"now": now, "past": now - 3600, "future": now + 3600}.get(signed, now)
    headers = {"content-type": "application/json"}
    if signed == "junk":
        headers["stripe-signature"] = f"t={stamp},v1=deadbeef"
    elif signed != "none":
        headers["stripe-signature"] = stripe.WebhookSignature.generate_signature_header(
            raw, WEBHOOK_SECRET, stamp
        )
    before = stack.snapshot()
    response = stack.service.post("/webhooks/stripe", content=raw.encode(), headers=headers)
    _check_answer(stack, response, before, stripe_shape=True)
    if signed in ("past", "future", "junk", "none"):
        assert response.status_code == 400, response.text
        assert stack.snapshot() == before


# --- Through the engine: what a client can put in GraphQL variables of the action mutations.

plain_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.text(max_size=12)
    | st.sampled_from(WORDS[:15]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
GRAPHQL_CALLS = {
    "settle": (
        "mutation ($id: String!, $a: Credits!, $p: String, $m: jsonb) { settleCredits(reservationId: $id,"
        " actualCredits: $a, providerRequestId: $p, providerMetadata: $m) { status creditsAmount } }",
        ["id", "a", "p", "m"],
    ),
    "reserve": (
        "mutation ($c: String!, $q: String!, $k: String!, $e: Credits, $t: Int) {"
        " reserveCredits(capability: $c,"
        " qualityLevel: $q, idempotencyKey: $k, estimatedCredits: $e, ttlSeconds: $t) { reservationId } }",
        ["c", "q", "k", "e", "t"],
    ),
    "release": (
        "mutation ($id: String!, $r: String) { releaseCredits(reservationId: $id, reason: $r) { status } }",
        ["id", "r"],
    ),
    "access": (
        "query ($c: String!, $q: String!) { aiAccessCheck(capability: $c, qualityLevel: $q)"
        " { allowed reason } }",
        ["c", "q"],
    ),
}


GRAPHQL_PLAUSIBLE = {
    "c": st.sampled_from(["question_generation", "testimonial_polish", "nope"]),
    "q": st.sampled_from(["fast", "enhanced", "premium"]),
    "k": st.integers(0, 40).map(lambda n: f"fz-g{n}"),
    "e": st.sampled_from(["1.00", "0.50", 0.25, "2", "-1", "0", "0.001", "999999999.99", "1e400", 7]),
    "a": st.sampled_from(["1.00", "0.50", 0.25, "2", "-1", "0", "0.001", "999999999.99", "1e400", 7]),
    "t": st.integers(-5, 100_000),
    "p": st.text(max_size=20),
    "r": st.text(max_size=20),
    "m": st.dictionaries(st.text(max_size=8), plain_json, max_size=4),
}


def _token(role: str, org: str) -> str:
    claims = {"x-hasura-default-role": role, "x-hasura-allowed-roles": [role], "x-hasura-user-id": "usr_fuzz"}
    if org:
        claims["x-hasura-organization-id"] = org
    return jwt.encode({"sub": "usr_fuzz", "https://hasura.io/jwt/claims": claims}, JWT_KEY, algorithm="HS256")


@seed(SEED)
@settings(FUZZ, max_examples=100)
@given(
    call=st.sampled_from(sorted(GRAPHQL_CALLS)),
    role=st.sampled_from(["service", "service", "service", "member", "owner"]),
    org=st.sampled_from(["org_pro", "org_team", "org_free_two"]),
    data=st.data(),
)
def test_action_mutations_through_the_engine_never_break(
    stack: Stack, call: str, role: str, org: str, data: st.DataObject
) -> None:
    query, names = GRAPHQL_CALLS[call]
    variables: dict[str, Any] = {}
    for name in names:
        if name == "id" and data.draw(st.integers(0, 4)):
            variables[name] = data.draw(st.sampled_from(stack.reservations))
        elif name in GRAPHQL_PLAUSIBLE and data.draw(st.integers(0, 5)):
            variables[name] = data.draw(GRAPHQL_PLAUSIBLE[name])
        elif data.draw(st.integers(0, 3)):
            variables[name] = data.draw(plain_json)
    before = stack.snapshot()
    response = stack.graphql.post(
        stack.graphql_url,
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {_token(role, org)}"},
    )
    note(f"fuzz seed {SEED} (CREDITS_FUZZ_SEED); {call} as {role}/{org} {variables!r}")
    note(f"answer {response.text[:300]!r}")
    assert response.status_code == 200, response.text
    out = response.json()
    errors = out.get("errors", [])
    event(f"{call} {errors[0].get('extensions', {}).get('code') if errors else 'ok'}")
    for error in errors:
        code = error.get("extensions", {}).get("code")
        assert code not in ("unexpected", "internal", "INTERNAL_ERROR", None), out
        with contextlib.suppress(AssertionError):
            assert stack.snapshot() == before
            continue
        pytest.fail(f"a refused call changed the database: {out}")
    assert stack.violations() == [], "an invariant broke"
