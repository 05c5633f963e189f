"""Everything the service dispatches to, by name. Adding a handler = one module + one line here.

ACTIONS: Hasura action name → `Action` (actions/handlers/<name>.py exposes `ACTION`).

EVENT_HANDLERS: event trigger name → `async def handle(pool, payload: EventPayload) -> dict`, served at
POST /events/<trigger name>. CRON_HANDLERS: cron trigger name → `async def handle(pool, payload: CronPayload)
-> dict`, served at POST /cron/<name>. Hasura delivers at least once: every event/cron handler MUST be
idempotent on the event id (events) or on (name, scheduled_time) (cron), and must return only after its work
is committed. Returning normally = 200 (delivered); raising ActionError = 400 with its code and raising
RetryLater = 503 + Retry-After (Hasura retries both per retry_conf); anything else = 500 (retried).
An unknown trigger or cron name gets 200 and a log line, so a stale trigger never retries forever.

EXTRA_ROUTES: additional Starlette routes (e.g. the Stripe webhook receiver).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from actions.action import Action
from actions.billing import auto_topup, checkout, cron_jobs, notifications, stripe_event_handler, webhook
from actions.handlers import (
    ai_access_check,
    cancel_plan_change,
    change_plan,
    grant_credits,
    release_credits,
    reserve_credits,
    settle_credits,
)
from actions.hasura import CronHandler, EventHandler

ACTIONS: dict[str, Action] = {
    "aiAccessCheck": ai_access_check.ACTION,
    "reserveCredits": reserve_credits.ACTION,
    "settleCredits": settle_credits.ACTION,
    "releaseCredits": release_credits.ACTION,
    "grantCredits": grant_credits.ACTION,
    "changePlan": change_plan.ACTION,
    "cancelPlanChange": cancel_plan_change.ACTION,
    "createTopupCheckout": checkout.ACTION,
}

EVENT_HANDLERS: dict[str, EventHandler] = {
    "stripe_event_process": stripe_event_handler.handle,
    "credit_notification_deliver": notifications.handle,
    "auto_topup_charge": auto_topup.handle,
}

CRON_HANDLERS: dict[str, CronHandler] = {
    "rollover_billing_periods": cron_jobs.rollover_billing_periods,
    "expire_credit_reservations": cron_jobs.expire_credit_reservations,
}

EXTRA_ROUTES: list[BaseRoute] = [webhook.ROUTE]
