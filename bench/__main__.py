"""`make bench`: every benchmark in one run against one PostgreSQL server, then a table of ratios.

Runs in a database of its own (`credits_bench`, rebuilt from the migrations each run) on the server that
DATABASE_URL names, else the embedded one. `BENCH_ARGS="--seconds 5"` shortens each measurement;
`BENCH_ARGS="--only service,graphql"` runs some sections (sql: issue 3, service: issue 4, graphql: issue 5).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections.abc import Callable

import asyncpg

from bench import graphql, service, sql_core
from gqlengine import migrate, pgserver

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
    print(f"  {label:<42} {value:>9}  {target}".rstrip())


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _section(name: str, run: Callable[[], dict[str, float]], failed: list[str]) -> dict[str, float] | None:
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
    runs = {"sql": sql_core.run, "service": service.run, "graphql": graphql.run}
    results = {
        name: _section(name, lambda run=run: run(url, args.seconds), failed)
        for name, run in runs.items()
        if name in args.only
    }

    print("\nsummary")
    if r := results.get("sql"):
        _row("(b)/(a) at 16 clients", _ratio(r["b_cps_16"], r["a_tps_16"]), "target >= 1.2")
        _row("(c)/(a) at 16 clients", _ratio(r["c_cps_16"], r["a_tps_16"]))
        _row("(b0)/(a) at 16 clients, bare yardstick", _ratio(r["b0_cps_16"], r["a_tps_16"]))
        _row("(d 1M)/(d 100)", _ratio(r["d_ms_1000000"], r["d_ms_100"]), "target <= 1.2")
    if s := results.get("service"):
        ratio, p99 = s["service_cps"] / s["direct_cps"], s["service_side_p99_ms"]
        _row(
            "service/direct SQL cycles/s, 16 clients", f"{ratio:.2f}", f"target >= 0.50: {_met(ratio >= 0.5)}"
        )
        _row("service-side p99 per call, 16 clients", f"{p99:.2f} ms", f"target <= 10 ms: {_met(p99 <= 10)}")
        _row("service-side p99 per call, 1 client", f"{s['service_side_p99_ms_1']:.2f} ms")
    if g := results.get("graphql"):
        ratio, p99 = g["engine_rps"] / g["direct_rps"], g["engine_p99_ms"]
        _row(
            "engine/direct SQL requests/s, 16 clients",
            f"{ratio:.2f}",
            f"target >= 0.50: {_met(ratio >= 0.5)}",
        )
        _row("engine p99, 16 clients", f"{p99:.2f} ms", f"target <= 15 ms: {_met(p99 <= 15)}")
        _row("engine p99, 1 client", f"{g['engine_p99_ms_1']:.2f} ms")
    for name in failed:
        print(f"  section {name}: FAILED (see above)")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
