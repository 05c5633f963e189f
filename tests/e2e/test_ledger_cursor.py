"""End-user roles read and stream the ledger by org_seq (1, 2, 3, ... per organization); ledger_seq, a
platform-wide sequence whose gaps count other organizations' activity, is not theirs to read."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from .conftest import ORG_ROLES, ORGS, Api


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("role", ORG_ROLES)
def test_org_roles_see_their_ledger_numbered_from_one(api: Api, org: str, role: str) -> None:
    out = api.as_role(
        role, org, "{ credit_transactions(order_by: {org_seq: asc}) { org_seq organization_id } }"
    )
    rows = out["data"]["credit_transactions"]
    assert rows and {r["organization_id"] for r in rows} == {org}
    assert [r["org_seq"] for r in rows] == list(range(1, len(rows) + 1))


@pytest.mark.parametrize(
    "query",
    [
        "{ credit_transactions { ledger_seq } }",
        "{ credit_transactions(order_by: {ledger_seq: desc}, limit: 1) { id } }",
        "{ credit_transactions(where: {ledger_seq: {_gt: 0}}) { id } }",
        "{ credit_transactions_aggregate { aggregate { max { ledger_seq } } } }",
    ],
    ids=["select", "order_by", "where", "aggregate"],
)
@pytest.mark.parametrize("role", ORG_ROLES)
def test_org_roles_cannot_read_the_global_sequence(api: Api, role: str, query: str) -> None:
    out = api.as_role(role, "org_pro", query)
    assert out.get("data") is None
    assert out["errors"][0]["extensions"]["code"] == "validation-failed"


def test_admin_still_reads_the_global_sequence(api: Api) -> None:
    rows = api.admin("{ credit_transactions(order_by: {ledger_seq: asc}, limit: 2) { ledger_seq org_seq } }")
    assert len(rows["credit_transactions"]) == 2


def test_member_streams_its_ledger_by_org_seq(api: Api) -> None:
    ws_url = api.url.replace("http://", "ws://").replace("https://", "wss://")
    token = api.token("member", "org_pro")
    query = (
        "subscription { credit_transactions_stream(batch_size: 10, cursor: {initial_value: {org_seq: 0}})"
        " { org_seq organization_id } }"
    )

    async def first_batch() -> list[dict]:
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"headers": {"Authorization": f"Bearer {token}"}}}
                )
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            message = json.loads(await asyncio.wait_for(ws.recv(), 15))
            assert message["type"] == "next", message
            return message["payload"]["data"]["credit_transactions_stream"]

    rows = asyncio.run(first_batch())
    assert rows and {r["organization_id"] for r in rows} == {"org_pro"}
    assert [r["org_seq"] for r in rows] == list(range(1, len(rows) + 1))
