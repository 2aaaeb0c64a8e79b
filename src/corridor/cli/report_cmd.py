"""`corridor report`: one offline HTML report of one or more scenarios, with slides' figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from corridor.cli.console import DataOption, out_console
from corridor.cli.scenario_cmd import unique_names
from corridor.network import load
from corridor.scenario import apply_scenario, solve_scenario
from corridor.scenario.compare import compare_scenarios


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario name or YAML file; repeat to compare (the first is the reference). "
            "Default: baseline-2024.",
        ),
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option(
            "--figures", help="Folder for the PNG/SVG map and charts (default: <out>-figures)."
        ),
    ] = None,
    title: Annotated[str, typer.Option(help="Title of the report.")] = "corridor report",
    data: DataOption = None,
) -> None:
    """Write a self-contained HTML report: flow map, Sankey, bottlenecks, agreements, sources."""
    from corridor.report import ReportRun, write_report  # matplotlib: only when a report is made

    network = load(data)
    applied = [apply_scenario(name, network) for name in scenario or ["baseline-2024"]]
    unique_names([a.name for a in applied])
    solved = [(a, solve_scenario(a)) for a in applied]
    runs = [
        ReportRun(
            a.name,
            a.scenario.spec.title,
            " ".join(a.scenario.spec.description.split()),
            a.network,
            results,
            a.source_ids,
            a.changes,
        )
        for a, results in solved
    ]
    comparison: dict[str, pd.DataFrame] | None = None
    if len(runs) > 1:
        full = compare_scenarios(solved)
        comparison = {table: full.view(table) for table in full.tables}
    folder = figures or out.with_name(f"{out.stem}-figures")
    written = write_report(runs, out, comparison=comparison, figures_dir=folder, title=title)
    out_console.print(f"report written to {written[0]}")
    out_console.print(f"figures for slides in {folder} ({len(written) - 1} files)")
