"""One self-contained, offline HTML report of one or more runs, and static figures for slides.

Example
-------
>>> import corridor
>>> from corridor.report import ReportRun, write_report
>>> net = corridor.load()
>>> run = ReportRun("baseline-2024", "Baseline 2024", "The shipped dataset.", net,
...                 corridor.solve(net, year=2024))
>>> write_report([run], Path("out/report.html"), figures_dir=Path("out/figures"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import ReportError
from corridor.io.atomic import check_output_file
from corridor.report.data import SourceIndex, build_run_data
from corridor.report.html import RunSection, render_page, write_page
from corridor.report.montecarlo import MONTE_CARLO_TITLE, monte_carlo_section
from corridor.report.palette import MODE_COLORS
from corridor.report.pathway import PATHWAY_TITLE, pathway_section
from corridor.report.region import basemap_to_json, clip_basemap, region_bounds
from corridor.report.run import ReportRun
from corridor.report.static import write_figures
from corridor.report.tables import (
    OUTAGES_TITLE,
    RECORD_TITLE,
    agreements_table,
    bottlenecks_table,
    costs_table,
    outages_table,
    record_table,
    transit_table,
    unmet_table,
)
from corridor.results.headline import headline
from corridor.version import __version__

__all__ = ["ReportRun", "write_report"]

logger = logging.getLogger(__name__)


def _section(
    run: ReportRun, data: Mapping[str, Any], index: SourceIndex, generated: str
) -> RunSection:
    res = run.results
    facts = {
        "year": str(res.year),
        "solve status": str(res.status),
        "corridor version": str(res.provenance.get("corridor_version", __version__)),
        "generated": generated,
        "input hash": str(res.provenance.get("input_hash", "–")),
    }
    tables = {} if run.pathway is None else {PATHWAY_TITLE: pathway_section(run.pathway)}
    tables |= {
        "Bottlenecks: links whose capacity binds": bottlenecks_table(res, index, run.name),
        "Unmet demand": unmet_table(run.network, res, index, run.name),
        "Agreements and their routes": agreements_table(res, index, run.name),
        "Transit by country": transit_table(res),
        "Value and costs (USD/yr)": costs_table(res),
        RECORD_TITLE: record_table(run.network, res, index, run.name),
    }
    if run.outages is not None:
        tables[OUTAGES_TITLE] = outages_table(run.outages)
    if run.monte_carlo is not None:
        settings = run.monte_carlo["settings"]
        tables[MONTE_CARLO_TITLE] = monte_carlo_section(
            run.monte_carlo, int(settings["draws"]), int(settings["seed"])
        )
    return RunSection(
        run.name,
        run.title,
        run.description,
        facts,
        tables,
        data["sources"],
        run.changes,
        tuple(headline(run.network, res)),
    )


def write_report(
    runs: Sequence[ReportRun],
    path: Path,
    *,
    comparison: Mapping[str, pd.DataFrame] | None = None,
    figures_dir: Path | None = None,
    title: str = "corridor report",
) -> list[Path]:
    """Write report.html (atomically) and, if figures_dir, static PNG+SVG map and charts.

    The figures folder is written first, as a unit (beside its place, then swapped in), and the
    page last: a killed run leaves the old page (beside the old or the new figures) or the new
    page with its figures, never a new page beside old or missing figures. An existing page is
    replaced (the CLI refuses one corridor did not write unless ``--force``).

    Parameters
    ----------
    runs
        The scenarios shown; the page gets a scenario selector when there are several.
    path
        The HTML file to write.
    comparison
        Tables comparing the runs (title -> DataFrame); ``delta`` columns are coloured.
    figures_dir
        Folder for map.png, map.svg, bottlenecks.png (first run; other runs get a
        ``-<name>`` suffix) and, with several runs, deliveries.png.
    title
        Title of the page.

    Returns
    -------
    list[Path]
        The files written, the HTML page first.

    Raises
    ------
    ReportError
        If ``runs`` is empty, names repeat, or a source id is not in the network's sources.
    InputFileError
        If ``figures_dir`` is a file or a folder corridor may not replace (see
        :func:`corridor.io.atomic.check_output_folder`; checked before anything is written), or
        ``path`` is a folder, device, FIFO or socket.
    """
    if not runs:
        raise ReportError("runs is empty: give at least one ReportRun")
    names = [r.name for r in runs]
    if len(set(names)) != len(names):
        raise ReportError(f"run names must be unique, got {names}")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    bounds = region_bounds(r.network.nodes for r in runs)
    basemap = clip_basemap(bounds)
    indexes = [SourceIndex.from_network(r.network) for r in runs]
    run_data = [
        {**build_run_data(r.name, r.network, r.results, index, r.source_ids), "title": r.title}
        for r, index in zip(runs, indexes, strict=True)
    ]
    page = render_page(
        title=title,
        generated=generated,
        version=__version__,
        runs=[
            _section(r, d, index, generated)
            for r, d, index in zip(runs, run_data, indexes, strict=True)
        ],
        data={
            "title": title,
            "bounds": list(bounds),
            "basemap": basemap_to_json(basemap),
            "modes": dict(MODE_COLORS),
            "runs": run_data,
        },
        comparison=comparison,
    )
    check_output_file(Path(path), force=True)  # a folder, device or FIFO: before the figures
    figures: list[Path] = []
    if figures_dir is not None:  # first: the page must not refer to figures not there yet
        figures = write_figures(runs, run_data, Path(figures_dir), basemap)
    written = [write_page(page, Path(path)), *figures]
    logger.info("report: wrote %s (%d runs, %d kB)", path, len(runs), len(page) // 1024)
    return written
