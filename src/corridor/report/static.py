"""Static figures for slides: the flow map, bottlenecks and deliveries.

Figures are built as ``matplotlib.figure.Figure`` objects, not through pyplot, so making a
report never changes the backend or the open figures of a user's notebook.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from corridor.io.atomic import atomic_write_dir
from corridor.report.data import worth_text
from corridor.report.palette import BINDING_COLOR, UNUSED_COLOR, mode_color
from corridor.report.run import ReportRun
from corridor.results import Results

__all__ = ["bottlenecks_figure", "deliveries_figure", "map_figure", "write_figures"]

#: Longest run title under a bar of the deliveries chart (longer ones are cut with "…").
TICK_CHARS = 28
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _save(fig: Figure, path: Path, fmt: str) -> Path:
    """Write ``fig`` in format ``fmt`` (into the figures folder being written)."""
    fig.savefig(path, format=fmt, dpi=150, bbox_inches="tight")
    return path


def map_figure(
    links: Sequence[Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
    basemap: gpd.GeoDataFrame,
    year: int,
    title: str = "",
) -> Figure:
    """Basemap, links (width by flow within its unit, colour by mode, binding links in a red
    dashed halo, unused links thin grey) and labels of suppliers, markets and bottleneck ends,
    from the page's link and node records (:func:`corridor.report.data.build_run_data`)."""
    fig = Figure(figsize=(14, 6.5))
    ax = fig.subplots()
    ax.set_facecolor("#dbe9f4")
    basemap.plot(ax=ax, color="#f3efe6", edgecolor="#b9b2a3", linewidth=0.4)
    for link in sorted(links, key=lambda rec: (rec["used"], rec["share"])):
        (x0, y0), (x1, y1) = link["coords"]
        width = 0.8 + 4.5 * min(link["share"], 1.0) if link["used"] else 0.6
        if link["binding"]:
            ax.plot([x0, x1], [y0, y1], color=BINDING_COLOR, lw=width + 3.5, ls="--", zorder=2)
        color = mode_color(link["mode"]) if link["used"] else UNUSED_COLOR
        ax.plot([x0, x1], [y0, y1], color=color, lw=width, solid_capstyle="round", zorder=3)
    lon = [n["lon"] for n in nodes]
    lat = [n["lat"] for n in nodes]
    ax.scatter(lon, lat, s=6, color="#333333", zorder=4)
    for node in nodes:
        if node["major"]:
            ax.annotate(
                node["label"], (node["lon"], node["lat"]), xytext=(3, 3),
                textcoords="offset points", fontsize=6.5, zorder=5, path_effects=_HALO,
            )  # fmt: skip
    margin = 2.0
    ax.set_xlim(min(lon) - margin, max(lon) + margin)
    ax.set_ylim(min(lat) - margin, max(lat) + margin)
    ax.set_aspect(1 / math.cos(math.radians((min(lat) + max(lat)) / 2)))
    ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
    modes = sorted({link["mode"] for link in links})
    handles = [Line2D([], [], color=mode_color(m), lw=3, label=m) for m in modes]
    handles += [
        Line2D([], [], color=BINDING_COLOR, lw=3, ls="--", label="capacity binds"),
        Line2D([], [], color=UNUSED_COLOR, lw=1, label="no flow"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=8, ncols=2, framealpha=0.9)
    lead = f"{title}: flows" if title else "Flows"
    ax.set_title(f"{lead} {year} (line width = flow, relative within its unit)")
    fig.tight_layout()
    return fig


def bottlenecks_figure(results: Results, *, top: int = 15, title: str = "") -> Figure:
    """Utilisation of the busiest capacitated links; binding ones red, with what one more unit
    of capacity is worth (USD/yr per unit of capacity)."""
    table = results.links.dropna(subset=["utilisation"])
    table = table.sort_values("utilisation", ascending=False).drop_duplicates("link_id")
    table = table[table["utilisation"] > 0].head(top).iloc[::-1]
    fig = Figure(figsize=(9, 0.35 * max(len(table), 3) + 1.2))
    ax = fig.subplots()
    if table.empty:
        ax.text(0.5, 0.5, "no link carries flow", ha="center", va="center")
        ax.set_axis_off()
    else:
        colors = [BINDING_COLOR if b else "#4c78a8" for b in table["binding"]]
        labels = [str(n) if isinstance(n, str) else str(i) for n, i in zip(
            table["name"], table["link_id"], strict=True)]  # fmt: skip
        ax.barh(labels, 100 * table["utilisation"], color=colors)
        for y, (util, price, binding, unit) in enumerate(
            zip(table["utilisation"], table["shadow_price"], table["binding"], table["unit"],
                strict=True)
        ):  # fmt: skip
            if binding:
                text = worth_text(True, price, unit)
                ax.text(100 * util + 1, y, f"+1 unit: {text}", va="center", fontsize=7)
        ax.set_xlim(0, 190)
        ax.set_xlabel("utilisation of capacity (%) — red: capacity binds")
        ax.tick_params(axis="y", labelsize=8)
    ax.set_title(
        f"{title}: busiest links {results.year}" if title else f"Busiest links {results.year}"
    )
    fig.tight_layout()
    return fig


def _delivered(results: Results) -> pd.DataFrame:
    """Volume delivered by commodity and unit: to demand rows and to open markets."""
    parts = [results.unmet[["commodity", "unit", "delivered"]]]
    if not results.markets.empty:
        parts.append(results.markets[["commodity", "unit", "delivered"]])
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby(["commodity", "unit"], as_index=False)["delivered"].sum()


def deliveries_figure(runs: Sequence[ReportRun]) -> Figure:
    """Delivered volume per commodity (one panel each, own unit), one bar per run."""
    frames = [_delivered(r.results).assign(run=r.title) for r in runs]
    table = pd.concat(frames, ignore_index=True)
    totals = table.groupby("commodity")["delivered"].sum()
    commodities = sorted(totals.index[totals > 0]) or sorted(totals.index)
    fig = Figure(figsize=(3 * len(commodities) + 1, 3.6))
    axes_list = list(fig.subplots(1, len(commodities), squeeze=False).flat)
    titles = [r.title for r in runs]
    for ax, commodity in zip(axes_list, commodities, strict=True):
        rows = table[table["commodity"] == commodity].set_index("run").reindex(titles)
        ax.bar(range(len(titles)), rows["delivered"].fillna(0.0), color="#4c78a8")
        labels = [textwrap.shorten(t, TICK_CHARS, placeholder="…") for t in titles]
        ax.set_xticks(range(len(titles)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(str(commodity).replace("_", " "), fontsize=10)
        ax.set_ylabel(str(rows["unit"].dropna().iloc[0]) if rows["unit"].notna().any() else "")
    fig.suptitle("Delivered volume by run")
    fig.tight_layout()
    return fig


def write_figures(
    runs: Sequence[ReportRun],
    run_data: Sequence[Mapping[str, Any]],
    folder: Path,
    basemap: gpd.GeoDataFrame,
) -> list[Path]:
    """map.png, map.svg and bottlenecks.png of each run (the first unsuffixed, others
    ``-<name>``) and, with several runs, deliveries.png; return the paths written.
    ``run_data`` are the runs' page records, whose links and nodes the maps draw.

    The folder is written as a whole beside its place and swapped in (an output folder with
    corridor's marker, :func:`corridor.io.atomic.atomic_write_dir`): it may be new, empty or
    corridor's own earlier figures folder holding just the files corridor wrote."""
    names: list[str] = []

    def write(tmp: Path) -> None:
        for i, (run, data) in enumerate(zip(runs, run_data, strict=True)):
            suffix = "" if i == 0 else f"-{run.name}"
            fig = map_figure(data["links"], data["nodes"], basemap, run.results.year, run.title)
            names.append(_save(fig, tmp / f"map{suffix}.png", "png").name)
            names.append(_save(fig, tmp / f"map{suffix}.svg", "svg").name)
            fig = bottlenecks_figure(run.results, title=run.title)
            names.append(_save(fig, tmp / f"bottlenecks{suffix}.png", "png").name)
        if len(runs) > 1:
            names.append(_save(deliveries_figure(runs), tmp / "deliveries.png", "png").name)

    atomic_write_dir(folder, write)
    return [folder / name for name in names]
