"""Run pgbench (shipped with the embedded PostgreSQL wheel) and read its summary."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from devdb import pgserver


@dataclass(frozen=True)
class Result:
    tps: float
    latency_ms: float


def conninfo(url: str) -> list[str]:
    """pgbench takes host/port/user/db flags; a unix-socket URL keeps its directory in ?host=."""
    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host", [parts.hostname or "localhost"])[0]
    args = ["-h", host, "-U", parts.username or "postgres", "-d", parts.path.lstrip("/")]
    if parts.port:
        args += ["-p", str(parts.port)]
    return args


def _env(url: str) -> dict[str, str]:
    import os

    env = dict(os.environ)
    password = urlsplit(url).password
    if password:
        env["PGPASSWORD"] = password
    return env


def init_tpcb(url: str, scale: int) -> None:
    subprocess.run(
        [str(pgserver.bin_dir() / "pgbench"), "-i", "-q", "-s", str(scale), *conninfo(url)],
        check=True,
        capture_output=True,
        env=_env(url),
    )


def run(
    url: str, *, clients: int, seconds: int, script: str | None = None, defines: dict[str, str] | None = None
) -> Result:
    """TPC-B (builtin) when script is None, else the given custom script with `-D name=value` variables."""
    cmd = [str(pgserver.bin_dir() / "pgbench"), "-n", "-c", str(clients), "-j", str(min(clients, 4))]
    cmd += ["-T", str(seconds), "-M", "prepared"]
    for name, value in (defines or {}).items():
        cmd += ["-D", f"{name}={value}"]
    with tempfile.TemporaryDirectory() as tmp:
        if script is not None:
            path = Path(tmp) / "script.sql"
            path.write_text(script)
            cmd += ["-f", str(path)]
        out = subprocess.run(cmd + conninfo(url), check=True, capture_output=True, text=True, env=_env(url))
    tps = re.search(r"tps = ([0-9.]+)", out.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", out.stdout)
    if not tps or not latency:
        raise RuntimeError(f"cannot read pgbench output:\n{out.stdout}\n{out.stderr}")
    return Result(float(tps.group(1)), float(latency.group(1)))
