"""The latency-against-load chart in docs/, drawn from the open-loop points of one `make bench` run."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from bench.openloop import Point

CHART = Path(__file__).resolve().parent.parent / "docs" / "bench-latency-vs-load.png"
PERCENTILES = ((50, "p50", "-"), (90, "p90", "--"), (99, "p99", "-"))
# (fraction of direct SQL's rate, p99 limit in ms) for both panels.
TARGETS = ((0.25, 5.0), (0.5, 15.0))


def latency_chart(panels: dict[str, list[Point]], path: Path = CHART) -> Path:
    """One panel per open-loop series: p50/p90/p99 per call against the offered load, targets marked."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the bench runs in terminals and CI
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda value, _: f"{value:g}")  # 2, 5, 10 ms rather than 2x10^0
    sparse = FuncFormatter(lambda value, _: f"{value:g}" if f"{value:g}"[0] in "25" else "")

    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), squeeze=False)
    for ax, (title, points) in zip(axes[0], panels.items(), strict=True):
        xs = [100 * pt.fraction for pt in points]
        for q, label, style in PERCENTILES:
            ax.plot(xs, [pt.p(q) for pt in points], style, marker="o", label=label)
        for fraction, limit in TARGETS:
            ax.plot([100 * fraction], [limit], "rv", markersize=9)
        ax.plot([], [], "rv", label="p99 target")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(sparse)
        ax.set_xlabel("offered load, % of direct SQL's 16-client maximum rate")
        ax.set_ylabel("latency from scheduled send, ms")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    load = os.getloadavg()
    fig.suptitle(
        f"make bench, constant arrival rate, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
