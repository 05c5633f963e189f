"""Notification and auto top-up settings through GraphQL: org admins and owners upsert their own row only."""

from __future__ import annotations

import pytest

from .conftest import ORGS, Api

UPSERT = """mutation($url: String!, $secret: String!) {
  insert_organization_credit_settings_one(
    object: {notification_webhook_url: $url, notification_webhook_secret: $secret},
    on_conflict: {constraint: organization_credit_settings_pkey,
                  update_columns: [notification_webhook_url, notification_webhook_secret]}
  ) { organization_id notification_webhook_url } }"""
READ = """query($org: String!) {
  organization_credit_settings(where: {organization_id: {_eq: $org}}) {
    organization_id notification_webhook_url auto_topup_enabled } }"""
ENABLE_AUTO_TOPUP = """mutation($org: String!) {
  update_organization_credit_settings(
    where: {organization_id: {_eq: $org}},
    _set: {auto_topup_enabled: true, auto_topup_package_id: "pkg_starter", auto_topup_threshold: 50,
           auto_topup_monthly_cap: 5000}
  ) { affected_rows } }"""


@pytest.mark.parametrize("role", ["org_admin", "owner"])
def test_admins_upsert_their_own_settings_row(api: Api, role: str):
    mine, other = ORGS
    before_other = api.admin(READ, {"org": other})
    for url in (f"https://hooks.example.com/{role}/1", f"https://hooks.example.com/{role}/2"):
        r = api.as_role(role, mine, UPSERT, {"url": url, "secret": "whsec-0123456789abcdef"})
        row = {"organization_id": mine, "notification_webhook_url": url}
        assert r == {"data": {"insert_organization_credit_settings_one": row}}
    stored = api.admin(READ, {"org": mine})["organization_credit_settings"][0]
    assert stored["notification_webhook_url"] == url
    assert api.admin(READ, {"org": other}) == before_other


def test_the_client_cannot_choose_the_organization(api: Api):
    r = api.as_role(
        "owner",
        ORGS[0],
        """mutation { insert_organization_credit_settings_one(object: {organization_id: "org_pro",
           notification_webhook_url: "https://x.example.com", notification_webhook_secret: "s"}) {
           organization_id } }""",
    )
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    assert "organization_id" in r["errors"][0]["message"]


@pytest.mark.parametrize("role", ["viewer", "member", "service"])
def test_other_roles_cannot_write_settings(api: Api, role: str):
    r = api.as_role(role, ORGS[0], UPSERT, {"url": "https://x.example.com", "secret": "s" * 16})
    assert "data" not in r
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"


def test_only_the_owner_enables_auto_topup_and_only_with_a_saved_card(api: Api):
    org = ORGS[0]
    api.as_role("owner", org, UPSERT, {"url": "https://hooks.example.com/a", "secret": "s" * 16})
    r = api.as_role("org_admin", org, ENABLE_AUTO_TOPUP, {"org": org})
    assert r["errors"][0]["extensions"]["code"] == "validation-failed"
    # No card saved by a checkout yet: the update permission's check refuses it.
    r = api.as_role("owner", org, ENABLE_AUTO_TOPUP, {"org": org})
    assert r["errors"][0]["extensions"]["code"] == "permission-error"
    assert api.admin(READ, {"org": org})["organization_credit_settings"][0]["auto_topup_enabled"] is False
    api.admin(
        """mutation($org: String!) { update_organization_credit_settings(
           where: {organization_id: {_eq: $org}}, _set: {stripe_payment_method_id: "pm_card_visa"}
           ) { affected_rows } }""",
        {"org": org},
    )
    r = api.as_role("owner", org, ENABLE_AUTO_TOPUP, {"org": org})
    assert r == {"data": {"update_organization_credit_settings": {"affected_rows": 1}}}
