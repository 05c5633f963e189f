"""Issue-4 benchmark: access-check + reserve + settle cycles through the actions service over HTTP, beside
the same three SQL function calls made directly through an asyncpg pool, in one run.

Both sides run 16 concurrent clients over the 10,000 bench orgs. The service is `python -m actions` (one
uvicorn worker) on a free loopback port; the load generator is this process (asyncio, one keep-alive
HTTP/1.1 connection per client, see HttpPool). On a 2-core machine the generator, the service and PostgreSQL
share the CPUs, so the run also reports how the CPU time was split and how long the server waited for a CPU.
Service-side latency comes from the service's own per-request log lines. A 1-client run of each side shows
the latency without queueing.

The helpers here (free port, subprocess lifecycle, timed client loops, percentiles, CPU accounting) are
shared with bench/graphql.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import openloop, sql_core
from bench.stats import percentile

CLIENTS = 16
WARMUP_SECONDS = 1.0
ROUNDS = 5  # alternating slices per side and client count (see alternate)
SLICE_WARMUP_SECONDS = 0.2  # settles the switch between sides; connections are already open
ACTUAL_CREDITS = "1"
# Passed by unique_name, as the service's callers do (ids are refused with CAPABILITY_UNKNOWN).
CAPABILITY, QUALITY_LEVEL = "question_generation", "fast"
HOT_ORG = "bench_1"  # one org taking every call of the hot-org runs
OPEN_LOOP_CONNECTIONS = 64


# ------------------------------------------------------------------ shared helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _keep_session(conn: asyncpg.Connection) -> None:
    """No per-release reset query: the engine and the service skip it too, so both sides pay alike."""


async def direct_pool(url: str) -> asyncpg.Pool:
    """The direct side's pool: one connection per client."""
    return await asyncpg.create_pool(url, min_size=CLIENTS, max_size=CLIENTS, reset=_keep_session)


class HttpPool:
    """Keep-alive HTTP/1.1 connections to one server, one request at a time on each.

    A deliberately minimal client (prebuilt request bytes, Content-Length responses only): on 2 cores the
    load generator competes with the server for CPU, and httpx spends ~3 ms of CPU per request, enough to
    make the generator the bottleneck. This one spends a few tens of microseconds.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str], size: int = CLIENTS) -> None:
        self.host, self.port, self.size = host, port, size
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def __aenter__(self) -> HttpPool:
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection(self.host, self.port))
        return self

    async def __aexit__(self, *exc: object) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        reader, writer = await self.idle.get()
        try:
            writer.write(
                b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n%s\r\n%s"
                % (path.encode(), self.host.encode(), len(body), self.headers, body)
            )
            head = await reader.readuntil(b"\r\n\r\n")
            status, length = int(head[9:12]), None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise RuntimeError(f"response without Content-Length: {head!r}")
            answer = await reader.readexactly(length)
        except BaseException:
            writer.close()
            self.idle.put_nowait(await asyncio.open_connection(self.host, self.port))
            raise
        self.idle.put_nowait((reader, writer))
        return status, answer


@dataclass
class Server:
    """A subprocess serving HTTP on a loopback port, its output kept in a temporary log file."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, args: list[str], env: dict[str, str], port: int, health_path: str) -> Server:
        log_path = Path(tempfile.mkstemp(prefix="bench-", suffix=".log")[1])
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", *args], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        server = cls(proc, port, log_path)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                if httpx.get(server.base_url + health_path, timeout=1).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        server.stop()
        raise RuntimeError(f"{args[0]} did not become healthy in 60 s:\n{server.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def cpu_seconds(self) -> float:
        return _process_cpu(self.proc.pid)

    def runqueue_seconds(self) -> float:
        """Time the server was ready to run but waited for a CPU (0 where schedstat is not available)."""
        try:
            return int(Path(f"/proc/{self.proc.pid}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_path.unlink(missing_ok=True)


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used; 0 if it is gone or not on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _backend_pids(url: str) -> list[int]:
    """PostgreSQL backends connected to the benchmark database (the pools of both sides)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
        )
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Measurement:
    """What the timed loops did: operations completed and per-call latencies (seconds)."""

    seconds: float = 0.0
    operations: int = 0
    latencies: list[float] = field(default_factory=list)
    # Cores used by the generator, the server, the bench database's backends and the rest of the machine;
    # server_waited: share of the wall time the server was runnable but waiting for a CPU.
    cpu: dict[str, float] = field(default_factory=dict)
    log_spans: list[tuple[int, int]] = field(default_factory=list)  # server log bytes written meanwhile

    @property
    def rate(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    @classmethod
    def combine(cls, parts: list[Measurement]) -> Measurement:
        total = sum(m.seconds for m in parts) or 1.0
        return cls(
            seconds=sum(m.seconds for m in parts),
            operations=sum(m.operations for m in parts),
            latencies=[x for m in parts for x in m.latencies],
            cpu={k: sum(m.cpu[k] * m.seconds for m in parts) / total for k in parts[0].cpu},
            log_spans=[span for m in parts for span in m.log_spans],
        )


async def measure(
    operation: Callable[[list[float]], Awaitable[None]],
    seconds: float,
    url: str,
    clients: int = CLIENTS,
    server: Server | None = None,
    warmup: float = WARMUP_SECONDS,
) -> Measurement:
    """Run `operation` in `clients` concurrent loops: a warm-up, then `seconds` of measurement.

    Each call of `operation` appends the latency of every call it made to the list it is given. The CPU the
    generator, the server, the benchmark database's backends and everything else used is recorded too.
    """
    result = Measurement()
    stop_at = 0.0
    recording = False

    async def loop() -> None:
        while time.perf_counter() < stop_at:
            sink: list[float] = []
            await operation(sink)
            if recording:
                result.operations += 1
                result.latencies.extend(sink)

    stop_at = time.perf_counter() + warmup
    await asyncio.gather(*(loop() for _ in range(clients)))
    backends = await _backend_pids(url)
    busy0, total0 = _machine_cpu()
    own0, srv0 = _own_cpu(), server.cpu_seconds() if server else 0.0
    wait0 = server.runqueue_seconds() if server else 0.0
    pg0 = sum(_process_cpu(pid) for pid in backends)
    log_start = server.log_path.stat().st_size if server else 0
    recording, began = True, time.perf_counter()
    stop_at = began + seconds
    await asyncio.gather(*(loop() for _ in range(clients)))
    result.seconds = time.perf_counter() - began
    result.log_spans = [(log_start, server.log_path.stat().st_size)] if server else []
    busy1, total1 = _machine_cpu()
    cores = os.cpu_count() or 1
    wall = (total1 - total0) / cores or 1.0
    client = (_own_cpu() - own0) / wall
    srv = ((server.cpu_seconds() if server else 0.0) - srv0) / wall
    pg = (sum(_process_cpu(pid) for pid in backends) - pg0) / wall
    other = (busy1 - busy0) / wall - client - srv - pg
    waited = ((server.runqueue_seconds() if server else 0.0) - wait0) / result.seconds
    result.cpu = {"client": client, "server": srv, "postgres": pg, "other": other, "server_waited": waited}
    return result


async def alternate(
    a: Callable[[list[float]], Awaitable[None]],
    b: Callable[[list[float]], Awaitable[None]],
    seconds: float,
    url: str,
    clients: int,
    server: Server,
) -> tuple[Measurement, Measurement]:
    """Measure `a` (direct SQL) and `b` (through `server`) in alternating slices, ROUNDS of each.

    The machine is shared: other work comes and goes within seconds, and alternating short slices exposes
    both sides to it alike, where two consecutive runs could each catch a different neighbour.
    """
    parts_a: list[Measurement] = []
    parts_b: list[Measurement] = []
    for i in range(ROUNDS):
        warmup = WARMUP_SECONDS if i == 0 else SLICE_WARMUP_SECONDS
        parts_a.append(await measure(a, seconds / ROUNDS, url, clients, None, warmup))
        parts_b.append(await measure(b, seconds / ROUNDS, url, clients, server, warmup))
    return Measurement.combine(parts_a), Measurement.combine(parts_b)


def cpu_note(m: Measurement) -> str:
    c = m.cpu
    return (
        f"cpu (cores of {os.cpu_count()}): generator {c['client']:.2f}  server {c['server']:.2f}  "
        f"bench db backends {c['postgres']:.2f}  everything else {c['other']:.2f}"
        + (f"; server waited for a CPU {c['server_waited']:.0%} of the time" if c["server"] else "")
    )


# ------------------------------------------------------------------ this benchmark


async def ensure_bench_orgs(url: str) -> None:
    """The 10,000 bench orgs of sql_core, made here when this benchmark runs on its own."""
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval(
            "select count(*) from organization_plans "
            "where organization_id like 'bench\\_%' and status = 'active'"
        )
    finally:
        await conn.close()
    if have < sql_core.BENCH_ORGS:
        await sql_core._make_orgs(url, sql_core.BENCH_ORGS)


def _org() -> str:
    return f"bench_{random.randint(1, sql_core.BENCH_ORGS)}"


def _hot_org() -> str:
    return HOT_ORG


# A cycle's operation: `sink` gets each call's latency; with `scheduled` (an open-loop arrival) the first
# call's latency counts from that instant, and each later call's from the end of the one before, so any wait
# for a connection or a CPU is inside some call's latency.
Cycle = Callable[..., Awaitable[None]]


def _direct_cycle(pool: asyncpg.Pool, pick_org: Callable[[], str] = _org) -> Cycle:
    cap, ql = CAPABILITY, QUALITY_LEVEL

    async def call(sink: list[float], since: float | None, sql: str, *args: object) -> dict:
        began = time.perf_counter() if since is None else since
        async with pool.acquire() as conn:
            answer = json.loads(await conn.fetchval(sql, *args))
        sink.append(time.perf_counter() - began)
        return answer

    async def cycle(sink: list[float], scheduled: float | None = None) -> None:
        org = pick_org()
        check = await call(sink, scheduled, "select public.ai_access_check($1, $2, $3)", org, cap, ql)
        assert check["allowed"], check
        reservation = await call(
            sink, None,
            "select public.reserve_credits($1, $2, $3, $4, $5, coalesce($6::integer, 300))",
            org, cap, ql, uuid.uuid4().hex, None, None,
        )  # fmt: skip
        await call(
            sink, None,
            "select public.settle_credits($1, $2, $3, $4, $5)",
            org, reservation["reservation_id"], ACTUAL_CREDITS, None, None,
        )  # fmt: skip

    return cycle


def _body(name: str, org: str, arguments: dict[str, object]) -> bytes:
    return json.dumps(
        {
            "action": {"name": name},
            "input": arguments,
            "session_variables": {"x-hasura-role": "service", "x-hasura-organization-id": org},
            "request_query": f"mutation {{ {name} }}",
        }
    ).encode()


def _service_cycle(client: HttpPool, pick_org: Callable[[], str] = _org) -> Cycle:
    cap, ql = CAPABILITY, QUALITY_LEVEL

    async def call(
        sink: list[float], since: float | None, name: str, org: str, arguments: dict[str, object]
    ) -> dict:
        began = time.perf_counter() if since is None else since
        status, answer = await client.post("/actions", _body(name, org, arguments))
        sink.append(time.perf_counter() - began)
        if status != 200:
            raise RuntimeError(f"{name}: HTTP {status} {answer!r}")
        return json.loads(answer)

    async def cycle(sink: list[float], scheduled: float | None = None) -> None:
        org = pick_org()
        check = await call(sink, scheduled, "aiAccessCheck", org, {"capability": cap, "qualityLevel": ql})
        assert check["allowed"], check
        reservation = await call(
            sink,
            None,
            "reserveCredits",
            org,
            {"capability": cap, "qualityLevel": ql, "idempotencyKey": uuid.uuid4().hex},
        )
        await call(
            sink,
            None,
            "settleCredits",
            org,
            {"reservationId": reservation["reservationId"], "actualCredits": ACTUAL_CREDITS},
        )

    return cycle


@dataclass
class Results:
    """The closed-loop comparisons (direct, service) by client count, for the 10k orgs and the hot org,
    and the service's open-loop points."""

    spread: dict[int, tuple[Measurement, Measurement]]
    hot: dict[int, tuple[Measurement, Measurement]]
    open_loop: list[openloop.Point]


async def _compare(url: str, server: Server, secret: str, seconds: float) -> Results:
    pool = await direct_pool(url)
    try:
        headers = {"X-Credits-Action-Secret": secret}
        async with HttpPool("127.0.0.1", server.port, headers) as client:
            spread = {
                c: await alternate(_direct_cycle(pool), _service_cycle(client), seconds, url, c, server)
                for c in (CLIENTS, 1)
            }
            hot = {
                c: await alternate(
                    _direct_cycle(pool, _hot_org), _service_cycle(client, _hot_org), seconds, url, c, server
                )
                for c in (CLIENTS, 1)
            }
        # The open loop may have more calls waiting than the closed loop has clients.
        async with HttpPool("127.0.0.1", server.port, headers, size=OPEN_LOOP_CONNECTIONS) as client:
            points = await openloop.sweep(_service_cycle(client), spread[CLIENTS][0].rate, seconds)
        return Results(spread, hot, points)
    finally:
        await pool.close()


def _service_side_ms(server: Server, m: Measurement) -> list[float]:
    """Durations the service logged for the measurement's /actions requests (one JSON line per request)."""
    text = ""
    with server.log_path.open("rb") as f:
        for start, end in m.log_spans:
            f.seek(start)
            text += f.read(end - start).decode(errors="replace")
    out: list[float] = []
    for line in text.splitlines():
        if '"path": "/actions"' not in line:
            continue
        try:
            out.append(float(json.loads(line)["ms"]))
        except (ValueError, KeyError):
            continue
    return out


def _print_row(log: Callable[[str], None], label: str, m: Measurement) -> None:
    log(f"    {label:<24} {m.rate:8.0f} cycles/s  {3 * m.rate:8.0f} calls/s  "
        f"per call p50 {m.p(50):6.2f} ms  p99 {m.p(99):6.2f} ms")  # fmt: skip


def run(url: str, seconds: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    asyncio.run(ensure_bench_orgs(url))
    secret = secrets.token_urlsafe(24)
    port = free_port()
    env = dict(os.environ)
    env.update(
        CREDITS_DATABASE_URL=url,
        CREDITS_HASURA_ACTION_SECRET=secret,
        CREDITS_ENVIRONMENT="test",
        CREDITS_PORT=str(port),
        # As many connections as the direct side's pool, so both sides may run 16 calls at once.
        CREDITS_POOL_MIN_SIZE=str(CLIENTS),
        CREDITS_POOL_MAX_SIZE=str(CLIENTS),
    )
    log(f"(service) access-check + reserve + settle cycles over {sql_core.BENCH_ORGS} orgs, then on one hot")
    log(f"          org ({HOT_ORG}), the two sides alternating in {ROUNDS} slices each; then the service")
    log("          alone at constant arrival rates (fractions of direct SQL's 16-client cycles/s)")
    server = Server.start(["actions"], env, port, "/healthz")
    try:
        results = asyncio.run(_compare(url, server, secret, seconds))
        served = {c: _service_side_ms(server, through) for c, (_, through) in results.spread.items()}
    finally:
        server.stop()
    for c, (direct, through) in results.spread.items():
        _print_row(log, f"direct SQL, {c:>2} client(s)", direct)
        log(f"      {cpu_note(direct)}")
        _print_row(log, f"service, {c:>2} client(s)", through)
        log(f"      {cpu_note(through)}")
        p50, p99 = percentile(served[c], 50), percentile(served[c], 99)
        log(f"      service side (its request log): per call p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    for c, (direct, through) in results.hot.items():
        _print_row(log, f"hot org direct, {c:>2} cl.", direct)
        _print_row(log, f"hot org service, {c:>2} cl.", through)
    openloop.describe("service cycle, per call,", results.open_loop, "cycles", log)
    return {
        "direct_cps": results.spread[CLIENTS][0].rate,
        "service_cps": results.spread[CLIENTS][1].rate,
        "service_p99_ms": results.spread[CLIENTS][1].p(99),
        "service_side_p99_ms": percentile(served[CLIENTS], 99),
        "service_side_p99_ms_1": percentile(served[1], 99),
        "hot_direct_cps_1": results.hot[1][0].rate,
        "hot_direct_cps_16": results.hot[CLIENTS][0].rate,
        "hot_service_cps_1": results.hot[1][1].rate,
        "hot_service_cps_16": results.hot[CLIENTS][1].rate,
        "open_loop": results.open_loop,
    }
