"""get_used_this_period / get_available_credits / get_spendable_credits through GraphQL: the computed fields
`credits_used_this_period`, `credits_available`, `credits_spendable` of `organizations` agree with the
balance row's own fields, for every organization role, and only ever show the caller's organization."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from .conftest import ORG_ROLES, Api

READS = "{ organizations { id credits_available credits_spendable credits_used_this_period } }"


@pytest.fixture(scope="module")
def org(api: Api) -> str:
    """An organization of this module's own, with reservations, usage and an overdraft set by the admin."""
    org_id = f"org_reads_{uuid.uuid4().hex[:8]}"
    api.admin(
        """mutation($id: String!, $slug: String!) {
             insert_organizations_one(object: {id: $id, name: $id, slug: $slug}) { id }
             insert_organization_plans_one(object: {
               organization_id: $id, plan_id: "plan_pro",
               current_period_start: "2026-01-01T00:00:00Z", current_period_end: "2099-01-01T00:00:00Z"
             }) { id }
           }""",
        {"id": org_id, "slug": org_id.replace("_", "-")},
    )
    api.admin(
        """mutation($id: String!) {
             update_organization_credit_balances(
               where: {organization_id: {_eq: $id}},
               _set: {used_this_period: "120.50", reserved_credits: "30.25", overdraft_limit: "40"}
             ) { affected_rows }
           }""",
        {"id": org_id},
    )
    return org_id


def _truth(api: Api, org: str) -> dict[str, Decimal]:
    [b] = api.admin(
        """query($id: String!) { organization_credit_balances(where: {organization_id: {_eq: $id}}) {
             monthly_credits bonus_credits reserved_credits used_this_period overdraft_limit } }""",
        {"id": org},
    )["organization_credit_balances"]
    b = {k: Decimal(str(v)) for k, v in b.items()}
    available = b["monthly_credits"] + b["bonus_credits"] - b["reserved_credits"] - b["used_this_period"]
    return {
        "credits_used_this_period": b["used_this_period"],
        "credits_available": available,
        "credits_spendable": available + b["overdraft_limit"],
    }


@pytest.mark.parametrize("role", ORG_ROLES)
def test_each_role_reads_its_organizations_credit_functions(api: Api, org: str, role: str) -> None:
    out = api.as_role(role, org, READS)
    assert "errors" not in out, out
    [row] = out["data"]["organizations"]
    assert row["id"] == org
    got = {k: Decimal(str(v)) for k, v in row.items() if k != "id"}
    expected = _truth(api, org)
    assert got == expected
    # 500 monthly + 25 welcome - 30.25 reserved - 120.50 used; spendable adds the 40 overdraft.
    assert (got["credits_available"], got["credits_spendable"]) == (Decimal("374.25"), Decimal("414.25"))


def test_the_functions_agree_with_the_balance_computed_fields(api: Api, org: str) -> None:
    out = api.as_role(
        "member",
        org,
        """{ organizations { credits_available credits_spendable credits_used_this_period
                            credit_balance { available spendable used_this_period } } }""",
    )
    assert "errors" not in out, out
    [row] = out["data"]["organizations"]
    balance = row["credit_balance"]
    assert Decimal(str(row["credits_available"])) == Decimal(str(balance["available"]))
    assert Decimal(str(row["credits_spendable"])) == Decimal(str(balance["spendable"]))
    assert Decimal(str(row["credits_used_this_period"])) == Decimal(str(balance["used_this_period"]))


def test_no_role_reads_another_organizations_credits(api: Api, org: str) -> None:
    for role in ORG_ROLES:
        out = api.as_role(
            role,
            "org_free_one",
            """query($id: String!) { organizations(where: {id: {_eq: $id}}) { id credits_available } }""",
            {"id": org},
        )
        assert out == {"data": {"organizations": []}}, (role, out)


@pytest.mark.parametrize("role", ["anonymous", "service"])
def test_roles_without_organization_access_cannot_read_them(api: Api, role: str) -> None:
    out = api.anonymous(READS) if role == "anonymous" else api.as_role(role, "org_pro", READS)
    assert out["errors"][0]["extensions"]["code"] == "validation-failed"
