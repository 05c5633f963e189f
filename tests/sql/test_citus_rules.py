"""The migrated schema against Citus's rules, for the placement docs/citus.md plans.

Today's schema breaks the rules in the places KNOWN lists; each has its migration step in docs/citus.md.
The test fails on any new break (a table placed nowhere, a unique key or foreign key without the
organization) and on a listed one that has been fixed (take it off the list), so the list only shrinks.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tests.sql import rolled_back

from .citus_rules import Placement, violations

ORG = "organization_id"
PLACEMENT = Placement(
    distributed={
        "organizations": "id",
        "organization_members": ORG,
        "organization_plans": ORG,
        "organization_credit_balances": ORG,
        "organization_credit_settings": ORG,
        "credit_transactions": ORG,
        "credit_reservations": ORG,
        "credit_purchases": ORG,
        "credit_notifications": ORG,
    },
    reference=frozenset(
        {
            "plans",
            "quality_levels",
            "ai_capabilities",
            "llm_models",
            "plan_ai_capabilities",
            "plan_ai_capability_quality_levels",
            "plan_quality_level_models",
            "credit_topup_packages",
            "credit_pricing",
            "users",
            "stripe_events",
        }
    ),
)

# Each line is fixed by the docs/citus.md step named in its comment.
KNOWN = {
    # step 1: primary keys become (organization_id, id)
    "credit_notifications: unique credit_notifications_pkey (id) lacks organization_id",
    "credit_purchases: unique credit_purchases_pkey (id) lacks organization_id",
    "credit_reservations: unique credit_reservations_pkey (id) lacks organization_id",
    "credit_transactions: unique credit_transactions_pkey (id) lacks organization_id",
    "organization_credit_balances: unique organization_credit_balances_pkey (id) lacks organization_id",
    "organization_members: unique organization_members_pkey (id) lacks organization_id",
    "organization_plans: unique organization_plans_pkey (id) lacks organization_id",
    # step 2: foreign keys between credit tables carry the organization
    "credit_purchases: foreign key fk_credit_purchases_transaction_id (transaction_id) -> credit_transactions"
    " (id): does not carry organization_id to organization_id",
    "credit_transactions: foreign key fk_credit_transactions_reservation_id (reservation_id) ->"
    " credit_reservations (id): does not carry organization_id to organization_id",
    # step 3: unique keys per organization; globally unique outside ids move to reference lookup tables
    "credit_purchases: unique uq_credit_purchases_transaction (transaction_id) lacks organization_id",
    "credit_transactions: unique uq_credit_transactions_idempotency_key (idempotency_key) lacks"
    " organization_id",
    "credit_purchases: unique uq_credit_purchases_checkout_session (stripe_checkout_session_id) lacks"
    " organization_id",
    "credit_purchases: unique uq_credit_purchases_payment_intent (stripe_payment_intent_id) lacks"
    " organization_id",
    "organizations: unique organizations_slug_key (slug) lacks id",
    "organizations: unique organizations_stripe_customer_id_key (stripe_customer_id) lacks id",
}


async def test_the_schema_breaks_citus_rules_only_where_the_plan_says(db_url: str):
    conn = await asyncpg.connect(db_url)
    try:
        found = set(await violations(conn, PLACEMENT))
    finally:
        await conn.close()
    assert sorted(found - KNOWN) == [], "new breaks of Citus's rules (see docs/citus.md)"
    assert sorted(KNOWN - found) == [], "fixed: take these off KNOWN"


async def test_the_check_catches_each_rule(db_url: str):
    async with rolled_back(db_url) as conn:
        await conn.execute(
            """create table tenant_notes (id text primary key, organization_id text not null,
                                          reservation_id text references credit_reservations (id));
               create table shared_tags (id text primary key, note_id text references tenant_notes (id));
               create table unplaced (id int primary key)"""
        )
        placement = Placement(
            {**PLACEMENT.distributed, "tenant_notes": ORG}, PLACEMENT.reference | {"shared_tags"}
        )
        found = set(await violations(conn, placement)) - KNOWN
    assert found == {
        "unplaced: placed nowhere (neither distributed nor reference)",
        "tenant_notes: unique tenant_notes_pkey (id) lacks organization_id",
        "tenant_notes: foreign key tenant_notes_reservation_id_fkey (reservation_id) -> credit_reservations"
        " (id): does not carry organization_id to organization_id",
        "shared_tags: foreign key shared_tags_note_id_fkey (note_id) -> tenant_notes: a reference table may"
        " not point at a distributed one",
    }


def test_the_plan_places_every_table():
    plan = (Path(__file__).resolve().parents[2] / "docs" / "citus.md").read_text()
    missing = [t for t in [*PLACEMENT.distributed, *PLACEMENT.reference] if f"`{t}`" not in plan]
    assert missing == []
