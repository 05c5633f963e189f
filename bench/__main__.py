"""`make bench`: every benchmark in one run against one PostgreSQL server, then a table of ratios.

Runs in a database of its own (`credits_bench`, rebuilt from the migrations each run) on the server that
DATABASE_URL names, else the embedded one. `BENCH_ARGS="--seconds 5"` shortens each measurement;
`BENCH_ARGS="--only service,graphql"` runs some sections (sql, service, graphql). The service and graphql
sections end with open-loop runs (bench/openloop.py), drawn in docs/bench-latency-vs-load.png.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg

from bench import graphql, openloop, plot, service, sql_core
from devdb import migrate, pgserver

BENCH_DB = "credits_bench"
SECTIONS = ("sql", "service", "graphql")


async def _fresh_database(url: str) -> str:
    admin = await asyncpg.connect(pgserver.with_database(url, "postgres"))
    try:
        await admin.execute(f'drop database if exists "{BENCH_DB}" with (force)')
        await admin.execute(f'create database "{BENCH_DB}"')
    finally:
        await admin.close()
    target = pgserver.with_database(url, BENCH_DB)
    await migrate.apply(target, log=lambda _: None)
    return target


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "n/a"


def _sections(value: str) -> list[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SECTIONS)} (got {value!r})")
    return chosen


def _row(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<46} {value:>10}  {target}".rstrip())


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def _open_loop_rows(label: str, points: list[openloop.Point]) -> None:
    """The open-loop targets: p99 at 25% and 50% of direct SQL's rate, with nothing dropped or failed."""
    for fraction, limit in plot.TARGETS:
        pt = openloop.at_fraction(points, fraction)
        if pt is None:
            continue
        ok = pt.p(99) <= limit and not pt.dropped and not pt.errors
        lost = f", {pt.dropped} dropped, {pt.errors} failed" if pt.dropped or pt.errors else ""
        _row(
            f"{label} at {fraction:.0%} of direct's rate",
            f"{pt.p(99):.2f} ms",
            f"target <= {limit:g} ms: {_met(ok)} (load avg {pt.load[1]:.1f}{lost})",
        )


def _section(name: str, run: Callable[[], dict[str, Any]], failed: list[str]) -> dict[str, Any] | None:
    """Run one section; a failure is reported and the other sections still run."""
    try:
        return run()
    except Exception as exc:  # a broken section must not hide the numbers of the others
        detail = exc.stderr if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else ""
        print(f"\n!! section {name} failed: {exc!r}\n{detail[-2000:]}")
        failed.append(name)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measurement")
    parser.add_argument(
        "--only",
        type=_sections,
        default=list(SECTIONS),
        help=f"comma-separated sections: {','.join(SECTIONS)}",
    )
    args = parser.parse_args()

    url = asyncio.run(_fresh_database(pgserver.server_url()))
    print(f"benchmark database: {url}\n")
    failed: list[str] = []
    runs: dict[str, Callable[[str, int], dict[str, Any]]] = {
        "sql": sql_core.run,
        "service": service.run,
        "graphql": graphql.run,
    }
    results = {
        name: _section(name, functools.partial(run, url, args.seconds), failed)
        for name, run in runs.items()
        if name in args.only
    }

    print(f"\nsummary (load average now {_load()}; {os.cpu_count()} cores)")
    if r := results.get("sql"):
        _row("(b)/(a) at 16 clients (replaced by (b)/(b0))", _ratio(r["b_cps_16"], r["a_tps_16"]))
        ratio = r["b_cps_16"] / r["b0_cps_16"]
        _row("(b)/(b0) at 16 clients", f"{ratio:.2f}", f"target >= 0.30: {_met(ratio >= 0.3)}")
        ratio = r["b_cps_16"] / r["b_cps_4"]
        _row("(b) 16 clients / (b) 4 clients", f"{ratio:.2f}", f"target >= 1.00: {_met(ratio >= 1.0)}")
        _row("(c)/(a) at 16 clients", _ratio(r["c_cps_16"], r["a_tps_16"]))
        _row("(c) 16 clients / (c) 1 client, direct SQL", _ratio(r["c_cps_16"], r["c_cps_1"]))
        _row("(b0)/(a) at 16 clients, bare yardstick", _ratio(r["b0_cps_16"], r["a_tps_16"]))
        ratio = r["d_ms_1000000"] / r["d_ms_100"]
        _row("(d 1M)/(d 100)", f"{ratio:.2f}", f"target <= 1.2: {_met(ratio <= 1.2)}")
    if s := results.get("service"):
        ratio = s["service_cps"] / s["direct_cps"]
        _row(
            "service/direct SQL cycles/s, 16 clients", f"{ratio:.2f}", f"target >= 0.50: {_met(ratio >= 0.5)}"
        )
        _row("service-side p99 per call, 16 clients", f"{s['service_side_p99_ms']:.2f} ms")
        _row("service-side p99 per call, 1 client", f"{s['service_side_p99_ms_1']:.2f} ms")
        ratio = s["hot_service_cps_16"] / s["hot_service_cps_1"]
        _row("hot org via service, 16 clients / 1 client", f"{ratio:.2f}", f"target >= 2: {_met(ratio >= 2)}")
        ratio = s["hot_service_cps_16"] / s["service_cps"]
        _row(
            "hot org / 10k orgs via service, 16 clients",
            f"{ratio:.2f}",
            f"target >= 0.5: {_met(ratio >= 0.5)}",
        )
        _open_loop_rows("service p99 per call", s["open_loop"])
    if g := results.get("graphql"):
        ratio = g["engine_rps"] / g["direct_rps"]
        _row(
            "engine/direct SQL requests/s, 16 clients",
            f"{ratio:.2f}",
            f"target >= 0.50: {_met(ratio >= 0.5)}",
        )
        _row("engine p99, 16 clients (closed loop)", f"{g['engine_p99_ms']:.2f} ms")
        _row("engine p99, 1 client", f"{g['engine_p99_ms_1']:.2f} ms")
        _open_loop_rows("engine dashboard p99", g["open_loop"])
    panels = {
        title: res["open_loop"]
        for title, res in (
            ("service: access check + reserve + settle, per call", results.get("service")),
            ("gqlengine: dashboard query as member", results.get("graphql")),
        )
        if res
    }
    if panels:
        print(f"  latency against load: {plot.latency_chart(panels).relative_to(Path.cwd())}")
    for name in failed:
        print(f"  section {name}: FAILED (see above)")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
