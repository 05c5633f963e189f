"""Pydantic models of the payloads Hasura POSTs to the service (hasura-contract.md §5.2, §6.2, §7.2).

Unknown fields are ignored: Hasura adds fields across versions (trace_context, request_query, ...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ActionName(_Payload):
    name: str = Field(min_length=1, max_length=200)


class ActionPayload(_Payload):
    action: ActionName
    input: dict[str, Any] = Field(default_factory=dict)
    session_variables: dict[str, Any] | None = None
    request_query: str | None = None


class TriggerName(_Payload):
    name: str


class TableName(_Payload):
    schema_: str = Field(alias="schema")
    name: str


class EventData(_Payload):
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None


class Event(_Payload):
    op: str
    data: EventData
    session_variables: dict[str, Any] | None = None
    trace_context: dict[str, Any] | None = None


class DeliveryInfo(_Payload):
    current_retry: int = 0
    max_retries: int = 0


class EventPayload(_Payload):
    id: str
    created_at: str
    trigger: TriggerName
    table: TableName
    event: Event
    delivery_info: DeliveryInfo = Field(default_factory=DeliveryInfo)


class CronPayload(_Payload):
    name: str
    scheduled_time: str
    payload: Any = None
    id: str | None = None
    comment: str | None = None


# What actions/registry.py maps trigger and cron names to (see its docstring for the rules).
EventHandler = Callable[[asyncpg.Pool, EventPayload], Awaitable[dict[str, Any]]]
CronHandler = Callable[[asyncpg.Pool, CronPayload], Awaitable[dict[str, Any]]]
