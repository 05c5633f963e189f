"""Open-loop load: requests sent at a constant arrival rate, latency measured from the scheduled send time.

A closed loop of N clients measures how fast N callers can go, and a slow answer quietly lowers the load it
puts on the server (coordinated omission). Here arrivals follow a fixed schedule whatever the answers do,
as k6's constant-arrival-rate executor: arrival i is due at start + i / rate, and its latency counts from
that instant, so time spent waiting for the generator, a free connection or the server is all in it. An
arrival that finds MAX_IN_FLIGHT operations still running is dropped and counted (k6's dropped_iterations).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.stats import percentile

# An operation gets a list to append its call latencies to and its scheduled start (perf_counter seconds),
# from which its first call's latency counts.
Operation = Callable[[list[float], float], Awaitable[None]]

MAX_IN_FLIGHT = 256
WARMUP_SECONDS = 1.0
FRACTIONS = (0.1, 0.25, 0.4, 0.5)  # offered load as a share of direct SQL's closed-loop maximum


@dataclass
class Point:
    """One constant-rate run: what was offered, what completed, and the latencies of the calls."""

    fraction: float
    offered: float  # arrivals per second
    seconds: float
    completed: int = 0
    dropped: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average at the start and the end
    first_error: str = ""

    @property
    def achieved(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


async def at_rate(operation: Operation, rate: float, seconds: float, fraction: float) -> Point:
    """Run `operation` at `rate` arrivals per second: WARMUP_SECONDS unrecorded, then `seconds` recorded."""
    point = Point(fraction=fraction, offered=rate, seconds=seconds)
    in_flight: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.05
    record_from = start + WARMUP_SECONDS
    total = int(rate * (WARMUP_SECONDS + seconds))

    async def one(scheduled: float) -> None:
        sink: list[float] = []
        try:
            await operation(sink, scheduled)
        except Exception as exc:  # counted and shown; an open loop keeps its schedule whatever happens
            if scheduled >= record_from:
                point.errors += 1
                point.first_error = point.first_error or repr(exc)[:300]
            return
        if scheduled >= record_from:
            point.completed += 1
            point.latencies.extend(sink)

    load0 = os.getloadavg()[0]
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(in_flight) >= MAX_IN_FLIGHT:
            point.dropped += scheduled >= record_from
            continue
        task = asyncio.create_task(one(scheduled))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight)
    point.load = (load0, os.getloadavg()[0])
    return point


async def sweep(operation: Operation, maximum: float, seconds: float) -> list[Point]:
    """One constant-rate run per FRACTIONS of `maximum` (arrivals per second), lightest first."""
    return [await at_rate(operation, f * maximum, seconds, f) for f in FRACTIONS]


def describe(label: str, points: list[Point], unit: str, log: Callable[[str], None]) -> None:
    for pt in points:
        log(
            f"    {label} at {pt.fraction:4.0%} "
            f"({pt.offered:6.0f} {unit}/s offered, {pt.achieved:6.0f} done): "
            f"p50 {pt.p(50):6.2f}  p90 {pt.p(90):6.2f}  p99 {pt.p(99):7.2f} ms"
            f"  dropped {pt.dropped}  errors {pt.errors}  load avg {pt.load[0]:.1f}->{pt.load[1]:.1f}"
        )
        if pt.first_error:
            log(f"      first error: {pt.first_error}")


def at_fraction(points: list[Point], fraction: float) -> Point | None:
    return next((pt for pt in points if abs(pt.fraction - fraction) < 1e-9), None)
