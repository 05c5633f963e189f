"""Hasura's `api_limits` metadata: depth, node, batch, time and rate limits per role.

The document's shape is Hasura's (`Hasura.RQL.Types.ApiLimit`): each limit has a mandatory `global` value and
optional `per_role` overrides; `disabled: true` turns all of them off; the admin role is never limited, and
introspection fields (`__schema`, `__type`) are left out of depth and node counts. Depth is the longest chain
of fields with a selection set (`{ plans { id } }` has depth 1), nodes are the fields with a selection set.
Both are counted on the operation as the GraphQL spec collects it (a fragment spread twice in one selection
counts once), memoized per collected selection, so counting costs the document's size.

Refusals use Hasura's codes: `validation-failed` for depth, node and batch limits, `rate-limit-exceeded` with
Hasura's message for the rate limit, and `timeout` for the time limit.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Literal

from graphql.language import ast as gast
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gqlengine.graphql.auth import Session
from gqlengine.graphql.compile import GQLError, collect_fields, fragment_definitions

ADMIN = "admin"
INTROSPECTION = frozenset({"__schema", "__type", "__typename"})
RATE_WINDOW_SECONDS = 60.0
# Rate windows kept at once (one per role and client); the oldest idle one goes first.
MAX_RATE_KEYS = 100_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class IntLimit(_Model):
    global_: int = Field(alias="global", ge=0)
    per_role: dict[str, int] = Field(default_factory=dict)

    def for_role(self, role: str) -> int:
        return self.per_role.get(role, self.global_)


class TimeLimit(_Model):
    global_: float = Field(alias="global", gt=0)
    per_role: dict[str, float] = Field(default_factory=dict)

    def for_role(self, role: str) -> float:
        return self.per_role.get(role, self.global_)


class RateLimitConfig(_Model):
    max_reqs_per_min: int = Field(ge=1)
    unique_params: Literal["IP"] | list[str] | None = None

    @field_validator("unique_params", mode="before")
    @classmethod
    def _unique_params(cls, value: Any) -> Any:
        message = "Not a valid value. Should be either: 'IP' or a list of Hasura session variables"
        if isinstance(value, str):
            if value.lower() != "ip":
                raise ValueError(message)
            return "IP"
        if isinstance(value, list):
            if not all(
                isinstance(v, str) and v.lower().startswith("x-hasura-") and v.lower() != "x-hasura-role"
                for v in value
            ):
                raise ValueError(message)
            return [v.lower() for v in value]
        return value


class RateLimit(_Model):
    global_: RateLimitConfig = Field(alias="global")
    per_role: dict[str, RateLimitConfig] = Field(default_factory=dict)

    def for_role(self, role: str) -> RateLimitConfig:
        return self.per_role.get(role, self.global_)


class ApiLimits(_Model):
    disabled: bool = False
    rate_limit: RateLimit | None = None
    depth_limit: IntLimit | None = None
    node_limit: IntLimit | None = None
    time_limit: TimeLimit | None = None
    batch_limit: IntLimit | None = None

    @classmethod
    def parse(cls, raw: Any) -> ApiLimits:
        """The limits of a metadata document's `api_limits`; refused with Hasura's `parse-failed`."""
        try:
            return cls.model_validate(raw or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = f"{where}: {first['msg']}" if where else first["msg"]
            raise GQLError(message, "parse-failed", "$.args") from exc

    def export(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


@dataclass(frozen=True)
class Shape:
    """What the limits measure in an operation."""

    depth: int
    nodes: int


def measure(document: gast.DocumentNode, op: gast.OperationDefinitionNode) -> Shape:
    fragments = fragment_definitions(document)
    memo: dict[tuple[int, ...], tuple[int, int]] = {}

    def group(nodes: list[gast.FieldNode]) -> tuple[int, int]:
        """(depth, nodes) below a response key whose field nodes are `nodes` (they have a selection)."""
        key = tuple(id(n) for n in nodes)
        hit = memo.get(key)
        if hit is not None:
            return hit
        deepest, count = 0, 0
        for sub in collect_fields([n.selection_set for n in nodes], fragments).values():
            if sub[0].selection_set is not None:
                d, c = group(sub)
                deepest, count = max(deepest, d), count + c
        memo[key] = (deepest + 1, count + 1)
        return memo[key]

    deepest, count = 0, 0
    for nodes in collect_fields([op.selection_set], fragments).values():
        if nodes[0].name.value in INTROSPECTION or nodes[0].selection_set is None:
            continue
        d, c = group(nodes)
        deepest, count = max(deepest, d), count + c
    return Shape(deepest, count)


@dataclass
class Limiter:
    """The limits in force and the rate windows they keep."""

    limits: ApiLimits = field(default_factory=ApiLimits)
    windows: OrderedDict[tuple[str, ...], deque[float]] = field(default_factory=OrderedDict)

    def _on(self, session: Session) -> bool:
        return not self.limits.disabled and not session.is_admin

    def check_batch(self, session: Session, size: int) -> None:
        limit = self.limits.batch_limit
        if limit is not None and self._on(session) and size > (n := limit.for_role(session.role)):
            raise GQLError(f"The batch exceeds the batch limit of {n}", "validation-failed", "$")

    def check_shape(self, session: Session, shape: Shape) -> None:
        if not self._on(session):
            return
        depth, nodes = self.limits.depth_limit, self.limits.node_limit
        if depth is not None and shape.depth > (n := depth.for_role(session.role)):
            raise GQLError(f"The operation exceeds the depth limit of {n}", "validation-failed", "$")
        if nodes is not None and shape.nodes > (n := nodes.for_role(session.role)):
            raise GQLError(f"The operation exceeds the node limit of {n}", "validation-failed", "$")

    def time_limit(self, session: Session) -> float | None:
        limit = self.limits.time_limit
        return limit.for_role(session.role) if limit is not None and self._on(session) else None

    @staticmethod
    def timed_out(seconds: float) -> GQLError:
        return GQLError(f"The operation exceeds the time limit of {seconds:g} seconds", "timeout", "$")

    def check_rate(self, session: Session, client: str | None, now: float | None = None) -> None:
        """Counts one operation against the role's (and client's) sliding one-minute window."""
        limit = self.limits.rate_limit
        if limit is None or not self._on(session):
            return
        conf = limit.for_role(session.role)
        key: tuple[str, ...] = (session.role,)
        if conf.unique_params == "IP":
            key += (client or "",)
        elif conf.unique_params:
            key += tuple(session.variables.get(v, "") for v in conf.unique_params)
        now = time.monotonic() if now is None else now
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = deque()
            if len(self.windows) > MAX_RATE_KEYS:
                self.windows.popitem(last=False)
        else:
            self.windows.move_to_end(key)
        while window and window[0] <= now - RATE_WINDOW_SECONDS:
            window.popleft()
        if len(window) >= conf.max_reqs_per_min:
            raise GQLError(f"rate limit of {conf.max_reqs_per_min} exceeded", "rate-limit-exceeded", "$")
        window.append(now)
