"""`make bench`: every benchmark in one run against one PostgreSQL server, then a table of ratios.

Runs in a database of its own (`credits_bench`, rebuilt from the migrations each run) on the server that
DATABASE_URL names, else the embedded one. `BENCH_ARGS="--seconds 5"` shortens each measurement.
"""

from __future__ import annotations

import argparse
import asyncio

import asyncpg

from bench import sql_core
from gqlengine import migrate, pgserver

BENCH_DB = "credits_bench"


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measurement")
    args = parser.parse_args()

    url = asyncio.run(_fresh_database(pgserver.server_url()))
    print(f"benchmark database: {url}\n")
    r = sql_core.run(url, args.seconds)

    print("\nsummary")
    print(f"  (b)/(a) at 16 clients: {_ratio(r['b_cps_16'], r['a_tps_16'])}  (target >= 1.2)")
    print(f"  (c)/(a) at 16 clients: {_ratio(r['c_cps_16'], r['a_tps_16'])}")
    print(f"  (d 1M)/(d 100):        {_ratio(r['d_ms_1000000'], r['d_ms_100'])}  (target <= 1.2)")


if __name__ == "__main__":
    main()
