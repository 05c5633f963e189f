"""End-user writes: only org admins and owners may set their own organization's low-balance threshold."""

from __future__ import annotations

import pytest

from .conftest import ORGS, Api

SET_THRESHOLD = """mutation($org: String!, $t: numeric!) {
  update_organization_credit_balances(
    where: {organization_id: {_eq: $org}}, _set: {low_balance_threshold: $t}
  ) {
    affected_rows returning { organization_id low_balance_threshold } } }"""
READ = """query($org: String!) {
  organization_credit_balances(where: {organization_id: {_eq: $org}}) {
    low_balance_threshold monthly_credits }
}"""


@pytest.mark.parametrize("role", ["org_admin", "owner"])
def test_admins_set_their_own_threshold_only(api: Api, role: str):
    mine, other = ORGS
    before_other = api.admin(READ, {"org": other})
    r = api.as_role(role, mine, SET_THRESHOLD, {"org": mine, "t": 7})
    assert r == {
        "data": {
            "update_organization_credit_balances": {
                "affected_rows": 1,
                "returning": [{"organization_id": mine, "low_balance_threshold": 7}],
            }
        }
    }
    r = api.as_role(role, mine, SET_THRESHOLD, {"org": other, "t": 1})
    assert r == {"data": {"update_organization_credit_balances": {"affected_rows": 0, "returning": []}}}
    assert api.admin(READ, {"org": other}) == before_other


@pytest.mark.parametrize("role", ["viewer", "member", "service", "anonymous"])
def test_other_roles_cannot_write_balances(api: Api, role: str):
    r = (
        api.as_role(role, ORGS[0], SET_THRESHOLD, {"org": ORGS[0], "t": 1})
        if role != "anonymous"
        else (api.anonymous(SET_THRESHOLD, {"org": ORGS[0], "t": 1}))
    )
    assert "data" not in r
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


def test_admins_cannot_change_credit_amounts(api: Api):
    r = api.as_role(
        "owner",
        ORGS[0],
        """mutation { update_organization_credit_balances(where: {},
        _set: {monthly_credits: 1000000}) { affected_rows } }""",
    )
    assert r["errors"][0]["message"] == (
        "field 'monthly_credits' not found in type: 'organization_credit_balances_set_input'"
    )


def test_no_role_may_write_the_ledger(api: Api):
    for role in ("viewer", "member", "org_admin", "owner", "service"):
        r = api.as_role(role, ORGS[0], "mutation { delete_credit_transactions(where: {}) { affected_rows } }")
        assert r["errors"][0]["extensions"]["code"] == "validation-failed"
