"""The project's public GraphQL surface as an attacker without a token meets it: the engine serving the
real metadata (and its api limits) in its own process, over real HTTP."""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Api, engine_env
from tests.servers import free_port, serving

PLAN_IDS = ["plan_free", "plan_pro", "plan_team"]


@pytest.fixture(scope="module")
def api(db_url: str) -> Iterator[Api]:
    from tests.e2e.conftest import DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(["-m", "gqlengine", "serve"], engine_env(db_url, port), f"{base}/healthz"):
        yield Api(f"{base}/v1/graphql", DEFAULT_ADMIN_SECRET, DEFAULT_JWT_KEY)


def doubling(levels: int) -> str:
    frags = " ".join(f"fragment F{i} on plans {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return (
        f"query {{ plans(order_by: {{id: asc}}) {{ ...F0 }} }} {frags} fragment F{levels} on plans {{ id }}"
    )


def test_doubling_fragments_are_answered_without_blocking_anyone(api: Api) -> None:
    # 30 levels: 2^30 expansions when every spread was expanded again (24 levels took 10 s and 126 MB, and
    # the server answered nobody else meanwhile). Now it costs the document's size.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        attack = pool.submit(httpx.post, api.url, json={"query": doubling(30)}, timeout=60)
        other = httpx.post(api.url, json={"query": "{ plans(order_by: {id: asc}) { id } }"}, timeout=30)
        answer = attack.result(timeout=60)
    expected = {"data": {"plans": [{"id": p} for p in PLAN_IDS]}}
    assert other.json() == expected
    assert answer.json() == expected


def test_a_batch_of_a_thousand_operations_is_refused(api: Api) -> None:
    r = httpx.post(api.url, json=[{"query": "{ plans { id } }"}] * 1000, timeout=30)
    assert r.status_code == 200
    assert r.json() == {
        "errors": [
            {
                "message": "The batch exceeds the batch limit of 5",
                "extensions": {"path": "$", "code": "validation-failed"},
            }
        ]
    }


def test_ten_thousand_aliases_are_a_validation_error(api: Api) -> None:
    # Was `unexpected`: PostgreSQL's 1664-column limit. Anonymous meets the node limit first; admin the
    # column limit, as a validation error too.
    aliases = " ".join(f"a{i}: plans {{ id }}" for i in range(10_000))
    anonymous = api.anonymous(f"{{ {aliases} }}")
    assert anonymous["errors"][0]["extensions"]["code"] == "validation-failed"
    assert anonymous["errors"][0]["message"] == "The operation exceeds the node limit of 30"
    admin = api.post(f"{{ {aliases} }}", headers={"x-hasura-admin-secret": api.admin_secret})
    assert admin["errors"][0]["extensions"]["code"] == "validation-failed"


def test_anonymous_nesting_stops_at_the_depth_limit(api: Api) -> None:
    def nested(depth: int) -> str:
        path = ["plans"] + ["plan_ai_capabilities", "plan"] * depth
        fields = path[:depth]
        return "{ " + " { ".join(fields) + " { id }" + " }" * depth

    assert "data" in api.anonymous(nested(6))
    assert api.anonymous(nested(7))["errors"] == [
        {
            "message": "The operation exceeds the depth limit of 6",
            "extensions": {"path": "$", "code": "validation-failed"},
        }
    ]


def test_a_body_nested_a_hundred_thousand_levels_is_invalid_json(api: Api) -> None:
    r = httpx.post(api.url, content="[" * 100_000 + "]" * 100_000, timeout=30)
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["errors"][0]["extensions"]["code"] == "invalid-json"
    assert json.loads(r.text)  # Hasura's JSON shape, not a plain-text 500
