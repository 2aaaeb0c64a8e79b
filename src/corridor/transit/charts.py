"""Charts of a Caspian simulation for slides and reports: transit-time histogram, queues."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from corridor.transit.simulate import SimulationResult

__all__ = ["save_charts"]


def _save(fig: Figure, ax: Axes, title: str, path: Path) -> Path:
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def save_charts(result: SimulationResult, folder: Path) -> list[Path]:
    """Write transit_time.png (histogram of door-to-door time across the Caspian) and
    queues.png (units waiting on each quay over time) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    days = result.units["total_h"].dropna() / 24.0
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.hist(days, bins=60, color="#2a6f97")
    summary = result.summary()
    for name, style in (("p50_transit_days", "--"), ("p90_transit_days", ":")):
        ax.axvline(summary[name], color="black", linestyle=style, label=name.split("_")[0].upper())
    ax.set_xlabel("days from arrival at the port of loading to leaving Alat by rail")
    ax.set_ylabel("units")
    hist = _save(fig, ax, "Caspian crossing: transit time", folder / "transit_time.png")

    queues = result.queues[result.queues["queue"] == "quay"]
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for port, q in queues.groupby("port"):
        ax.step(q["time_h"] / 24.0, q["units"], where="post", label=str(port))
    for row in result.closures.itertuples():
        ax.axvspan(row.start_h / 24.0, row.end_h / 24.0, color="grey", alpha=0.2, lw=0)
    ax.set_xlabel("day (grey: storm closures)")
    ax.set_ylabel("units waiting on the quay")
    return [hist, _save(fig, ax, "Caspian crossing: queues", folder / "queues.png")]
