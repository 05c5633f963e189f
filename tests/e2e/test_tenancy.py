"""Each org role sees exactly its own organization's credit data, and the catalog; nothing else."""

from __future__ import annotations

import pytest

from .conftest import ORG_ROLES, ORGS, Api

BALANCE = """{ organization_credit_balances { organization_id monthly_credits bonus_credits reserved_credits
  used_this_period available spendable monthly_remaining effective_low_balance_threshold } }"""
LEDGER = (
    "{ credit_transactions(order_by: {org_seq: asc}) { id organization_id credits_amount balance_after } }"
)
RESERVATIONS = "{ credit_reservations(order_by: {created_at: asc, id: asc}) { id organization_id status } }"
PURCHASES = "{ credit_purchases(order_by: {id: asc}) { id organization_id status credits } }"
USAGE = (
    "{ credit_usage_daily(order_by: [{day: asc}, {ai_capability_id: asc}]) { organization_id day credits } }"
)
NOTIFICATIONS = "{ credit_notifications(order_by: {id: asc}) { id organization_id kind } }"
CATALOG = """{ plans(order_by: {display_order: asc}) { id unique_name }
  credit_topup_packages(order_by: {display_order: asc}) { id credits }
  quality_levels(order_by: {display_order: asc}) { id }
  ai_capabilities(order_by: {id: asc}) { id }
  llm_models(order_by: {id: asc}) { id } }"""


def _only(rows: list[dict], org: str) -> list[dict]:
    return [r for r in rows if r["organization_id"] == org]


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize(
    "query",
    [BALANCE, LEDGER, RESERVATIONS, USAGE, NOTIFICATIONS],
    ids=["balance", "ledger", "reservations", "usage", "notifications"],
)
def test_org_role_sees_exactly_its_own_rows(api: Api, org: str, role: str, query: str):
    everything = api.admin(query)
    (table,) = everything
    expected = _only(everything[table], org)
    got = api.as_role(role, org, query)
    assert got == {"data": {table: expected}}


def test_every_org_has_ledger_and_balance_rows(api: Api):
    # Guards the test above against passing vacuously on empty data.
    for org in ORGS:
        assert _only(api.admin(BALANCE)["organization_credit_balances"], org)
        assert _only(api.admin(LEDGER)["credit_transactions"], org)


@pytest.mark.parametrize("org", ORGS)
def test_purchases_only_for_org_admins_and_owner(api: Api, org: str):
    expected = _only(api.admin(PURCHASES)["credit_purchases"], org)
    for role in ("org_admin", "owner"):
        assert api.as_role(role, org, PURCHASES) == {"data": {"credit_purchases": expected}}
    for role in ("viewer", "member"):
        err = api.as_role(role, org, PURCHASES)["errors"][0]
        assert err["message"] == "field 'credit_purchases' not found in type: 'query_root'"
        assert err["extensions"]["code"] == "validation-failed"


@pytest.mark.parametrize("role", ORG_ROLES)
def test_org_roles_see_the_active_catalog(api: Api, role: str):
    admin = api.admin("""{
      plans(where: {is_active: {_eq: true}}, order_by: {display_order: asc}) { id unique_name }
      credit_topup_packages(where: {is_active: {_eq: true}}, order_by: {display_order: asc}) { id credits }
      quality_levels(where: {is_active: {_eq: true}}, order_by: {display_order: asc}) { id }
      ai_capabilities(where: {is_active: {_eq: true}}, order_by: {id: asc}) { id }
      llm_models(where: {is_active: {_eq: true}}, order_by: {id: asc}) { id } }""")
    assert api.as_role(role, ORGS[0], CATALOG) == {"data": admin}
    assert len(admin["plans"]) == 3 and len(admin["credit_topup_packages"]) == 3


def test_anonymous_sees_only_the_active_catalog(api: Api):
    r = api.anonymous(CATALOG)
    assert r["data"]["plans"] == [
        p
        for p in api.admin(
            "{ plans(where: {is_active: {_eq: true}}, order_by: {display_order: asc}) { id unique_name } }"
        )["plans"]
    ]
    for query in (
        BALANCE,
        LEDGER,
        RESERVATIONS,
        PURCHASES,
        USAGE,
        NOTIFICATIONS,
        "{ organizations { id } }",
        "{ users { id } }",
    ):
        err = api.anonymous(query)["errors"][0]
        assert err["extensions"]["code"] == "validation-failed"
        assert "not found in type: 'query_root'" in err["message"]


def test_member_cannot_read_another_orgs_rows_by_id(api: Api):
    mine, other = ORGS
    other_tx = _only(api.admin(LEDGER)["credit_transactions"], other)[0]["id"]
    other_balance = _only(api.admin(BALANCE)["organization_credit_balances"], other)[0]["organization_id"]
    r = api.as_role(
        "member", mine, "query($id: String!) { credit_transactions_by_pk(id: $id) { id } }", {"id": other_tx}
    )
    assert r == {"data": {"credit_transactions_by_pk": None}}
    r = api.as_role(
        "member", mine, "query($id: String!) { organizations_by_pk(id: $id) { id } }", {"id": other}
    )
    assert r == {"data": {"organizations_by_pk": None}}
    r = api.as_role(
        "member",
        mine,
        """query($o: String!) {
        organization_credit_balances(where: {organization_id: {_eq: $o}}) { id } }""",
        {"o": other_balance},
    )
    assert r == {"data": {"organization_credit_balances": []}}


def test_member_cannot_read_another_org_through_filters_relationships_or_aggregates(api: Api):
    mine, other = ORGS
    r = api.as_role(
        "member",
        mine,
        """query($o: String!) {
        credit_transactions(where: {organization: {id: {_eq: $o}}}) { id } }""",
        {"o": other},
    )
    assert r == {"data": {"credit_transactions": []}}
    # Relationship from a shared catalog row back into tenant data stays scoped.
    r = api.as_role("member", mine, """{ plans { organization_plans { organization_id } } }""")
    orgs = {op["organization_id"] for p in r["data"]["plans"] for op in p["organization_plans"]}
    assert orgs <= {mine}
    r = api.as_role("member", mine, """{ organizations { id credit_transactions { organization_id } } }""")
    assert [o["id"] for o in r["data"]["organizations"]] == [mine]
    assert {t["organization_id"] for o in r["data"]["organizations"] for t in o["credit_transactions"]} <= {
        mine
    }
    agg = api.as_role(
        "member", mine, "{ credit_transactions_aggregate { aggregate { count sum { credits_amount } } } }"
    )
    all_rows = api.admin(
        """query($o: String!) { credit_transactions_aggregate(where: {organization_id: {_eq: $o}}) {
        aggregate { count sum { credits_amount } } } }""",
        {"o": mine},
    )
    assert agg["data"] == all_rows


def test_ledger_select_is_capped_by_the_permission_limit(api: Api):
    r = api.as_role("member", ORGS[0], "{ credit_transactions(limit: 100000) { id } }")
    assert len(r["data"]["credit_transactions"]) <= 100


def test_hidden_columns_are_validation_errors(api: Api):
    r = api.as_role("member", ORGS[0], "{ credit_transactions { idempotency_key } }")
    assert r == {
        "errors": [
            {
                "message": "field 'idempotency_key' not found in type: 'credit_transactions'",
                "extensions": {
                    "path": "$.selectionSet.credit_transactions.selectionSet.idempotency_key",
                    "code": "validation-failed",
                },
            }
        ]
    }


def test_end_user_roles_have_no_stripe_events(api: Api):
    for role in ORG_ROLES:
        r = api.as_role(role, ORGS[0], "{ stripe_events { id } }")
        assert r["errors"][0]["message"] == "field 'stripe_events' not found in type: 'query_root'"


def test_service_role_reads_no_tables(api: Api):
    r = api.as_role("service", ORGS[0], "{ credit_transactions { id } }")
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
