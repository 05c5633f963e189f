"""Typed access to what the app factory and lifespan put on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from starlette.requests import Request

from actions.action import Action
from actions.hasura import CronHandler, EventHandler
from actions.metrics import ServiceMetrics
from actions.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    metrics: ServiceMetrics
    actions: dict[str, Action]
    event_handlers: dict[str, EventHandler]
    cron_handlers: dict[str, CronHandler]


def services(request: Request) -> Services:
    return request.app.state.services


def pool(request: Request) -> asyncpg.Pool:
    value = getattr(request.app.state, "pool", None)
    if value is None:
        raise RuntimeError("database pool is not open (lifespan not started)")
    return value
